package io.github.dlm.archfixture.layers.aop;

import io.github.dlm.archfixture.layers.health.Indicator;
import io.github.dlm.archfixture.layers.lock.Registry;

/** The annotation support using the health indicator (and, allowed, the registry). */
public class Interceptor {

	public Registry registry = new Registry();

	public Indicator indicator = new Indicator();

}
