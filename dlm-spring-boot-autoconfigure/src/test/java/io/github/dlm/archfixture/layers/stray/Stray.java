package io.github.dlm.archfixture.layers.stray;

/** A class in a package that no layer holds. */
public class Stray {

}
