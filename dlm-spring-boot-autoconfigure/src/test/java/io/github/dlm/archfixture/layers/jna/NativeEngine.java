package io.github.dlm.archfixture.layers.jna;

/** The other backend. */
public class NativeEngine {

}
