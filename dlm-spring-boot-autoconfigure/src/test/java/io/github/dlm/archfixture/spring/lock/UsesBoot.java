package io.github.dlm.archfixture.spring.lock;

import org.springframework.boot.SpringBootVersion;
import org.springframework.util.Assert;

/** The Spring layer using Spring Boot (and, allowed, Spring). */
public class UsesBoot {

	public String version() {
		Assert.state(true, "always");
		return SpringBootVersion.getVersion();
	}

}
