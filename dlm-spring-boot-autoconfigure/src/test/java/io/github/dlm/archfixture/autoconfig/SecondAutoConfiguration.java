package io.github.dlm.archfixture.autoconfig;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/** An auto-configuration ordered after another that also calls into it. */
@AutoConfiguration(after = FirstAutoConfiguration.class)
public final class SecondAutoConfiguration {

	/** A nested class calling into the other auto-configuration. */
	public static final class Nested {

		String lockspace() {
			return FirstAutoConfiguration.lockspace();
		}

	}

	String lockspace() {
		return FirstAutoConfiguration.lockspace();
	}

	String self() {
		return lockspace();
	}

}
