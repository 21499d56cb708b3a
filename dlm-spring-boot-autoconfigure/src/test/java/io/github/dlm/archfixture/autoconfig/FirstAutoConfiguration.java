package io.github.dlm.archfixture.autoconfig;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/** An auto-configuration that is not final. */
@AutoConfiguration
public class FirstAutoConfiguration {

	public static String lockspace() {
		return "app";
	}

}
