package io.github.dlm.archfixture.layers.autoconfigure;

import io.github.dlm.archfixture.layers.local.LocalEngine;

/** The auto-configuration, which may use every layer. */
public class Settings {

	public String lockspace() {
		return "app";
	}

	public LocalEngine engine() {
		return new LocalEngine();
	}

}
