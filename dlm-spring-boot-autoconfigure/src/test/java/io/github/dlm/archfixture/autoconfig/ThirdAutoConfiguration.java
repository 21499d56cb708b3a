package io.github.dlm.archfixture.autoconfig;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/** An auto-configuration that knows another only to be ordered after it, as it may. */
@AutoConfiguration(after = FirstAutoConfiguration.class)
public final class ThirdAutoConfiguration {

}
