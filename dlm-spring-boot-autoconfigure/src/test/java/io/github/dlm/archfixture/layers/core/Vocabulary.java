package io.github.dlm.archfixture.layers.core;

import io.github.dlm.archfixture.layers.lock.Registry;

/** A lower layer that uses an upper one. */
public class Vocabulary {

	public Registry registry() {
		return new Registry();
	}

}
