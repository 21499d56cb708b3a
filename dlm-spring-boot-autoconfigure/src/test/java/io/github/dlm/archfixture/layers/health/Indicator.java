package io.github.dlm.archfixture.layers.health;

/** The health indicator. */
public class Indicator {

}
