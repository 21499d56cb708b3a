package io.github.dlm.archfixture.spring.jna;

import org.springframework.context.SmartLifecycle;

/** A backend implementing a Spring interface. */
public abstract class UsesSpringLifecycle implements SmartLifecycle {

}
