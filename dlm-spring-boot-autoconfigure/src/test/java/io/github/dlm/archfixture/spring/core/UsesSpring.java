package io.github.dlm.archfixture.spring.core;

import org.springframework.util.Assert;

/** The core using Spring. */
public class UsesSpring {

	public void check(Object value) {
		Assert.notNull(value, "value must not be null");
	}

}
