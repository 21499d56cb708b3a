package io.github.dlm.archfixture.layers.local;

import io.github.dlm.archfixture.layers.core.Vocabulary;
import io.github.dlm.archfixture.layers.jna.NativeEngine;

/** A backend that knows the other backend (and, allowed, the core). */
public class LocalEngine {

	public Vocabulary vocabulary = new Vocabulary();

	public NativeEngine fallback = new NativeEngine();

}
