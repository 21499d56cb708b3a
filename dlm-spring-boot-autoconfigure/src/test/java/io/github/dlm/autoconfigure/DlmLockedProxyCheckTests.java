package io.github.dlm.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.dlm.aop.DlmLocked;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @DlmLocked} methods that a Spring AOP proxy cannot intercept (private, static,
 * final with a class-based proxy, not on the interface of an interface-based proxy) are
 * named in a WARN line when the bean is created, instead of silently running without their
 * lock.
 */
@ExtendWith(OutputCaptureExtension.class)
class DlmLockedProxyCheckTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withPropertyValues("dlm.backend=local")
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmLockedAutoConfiguration.class));

	@Test
	void privateStaticAndFinalMethodsOfAClassBasedProxyAreNamed(CapturedOutput output) {
		this.runner.withUserConfiguration(UninterceptableConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(AopUtils.isCglibProxy(context.getBean(Uninterceptable.class))).isTrue();
			assertThat(output).contains("WARN")
				.contains("@DlmLocked on " + Uninterceptable.class.getName() + ".hidden() has no effect")
				.contains("private")
				.contains("@DlmLocked on " + Uninterceptable.class.getName() + ".shared() has no effect")
				.contains("static")
				.contains("@DlmLocked on " + Uninterceptable.class.getName() + ".sealed() has no effect")
				.contains("final")
				.contains("bean 'uninterceptable'")
				.doesNotContain(Uninterceptable.class.getName() + ".fine()");
		});
	}

	@Test
	void annotatedMethodsMissingFromTheInterfacesOfAnInterfaceBasedProxyAreNamed(CapturedOutput output) {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withUserConfiguration(InterfaceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(AopUtils.isJdkDynamicProxy(context.getBean(Service.class))).isTrue();
				assertThat(output)
					.contains("@DlmLocked on " + ServiceImpl.class.getName() + ".extra() has no effect")
					.contains("spring.aop.proxy-target-class")
					.doesNotContain(ServiceImpl.class.getName() + ".serve()")
					.as("final is fine for an interface-based proxy")
					.doesNotContain(ServiceImpl.class.getName() + ".finalOnInterface()");
			});
	}

	@Test
	void interceptableMethodsAreNotNamed(CapturedOutput output) {
		this.runner.withUserConfiguration(InterceptableConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).doesNotContain("@DlmLocked on");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UninterceptableConfiguration {

		@Bean
		Uninterceptable uninterceptable() {
			return new Uninterceptable();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfaceConfiguration {

		@Bean
		Service service() {
			return new ServiceImpl();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterceptableConfiguration {

		@Bean
		Interceptable interceptable() {
			return new Interceptable();
		}

	}

	static class Uninterceptable {

		@DlmLocked
		public void fine() {
			hidden();
		}

		@DlmLocked
		private void hidden() {
		}

		@DlmLocked
		public static void shared() {
		}

		@DlmLocked
		public final void sealed() {
		}

	}

	interface Service {

		void serve();

		void finalOnInterface();

	}

	static class ServiceImpl implements Service {

		@Override
		@DlmLocked
		public void serve() {
		}

		@Override
		@DlmLocked
		public final void finalOnInterface() {
		}

		@DlmLocked
		public void extra() {
		}

	}

	static class Interceptable {

		@DlmLocked
		public void work() {
		}

		@DlmLocked("'other'")
		protected void other() {
		}

	}

}
