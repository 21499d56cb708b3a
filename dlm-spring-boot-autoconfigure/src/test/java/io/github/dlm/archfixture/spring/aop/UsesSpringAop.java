package io.github.dlm.archfixture.spring.aop;

import org.springframework.aop.support.AopUtils;

/** The annotation support using Spring AOP, as it may. */
public class UsesSpringAop {

	public boolean proxied(Object bean) {
		return AopUtils.isAopProxy(bean);
	}

}
