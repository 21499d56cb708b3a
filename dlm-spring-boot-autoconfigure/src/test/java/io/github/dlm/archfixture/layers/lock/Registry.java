package io.github.dlm.archfixture.layers.lock;

import io.github.dlm.archfixture.layers.autoconfigure.Settings;
import io.github.dlm.archfixture.layers.core.Vocabulary;

/** The Spring layer reading the auto-configuration's settings (and, allowed, the core). */
public class Registry {

	public Vocabulary vocabulary() {
		return new Vocabulary();
	}

	public String lockspace(Settings settings) {
		return settings.lockspace();
	}

}
