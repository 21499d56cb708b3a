package io.github.dlm.aop;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints {@link DlmLocked @DlmLocked} contributes for a GraalVM native image, as Spring's
 * AOT processing finds and applies them.
 */
class DlmLockedAotTests {

	private static final SpringFactoriesLoader AOT_FACTORIES = SpringFactoriesLoader
		.forResourceLocation("META-INF/spring/aot.factories");

	@Test
	void keyExpressionRootIsReadableBySpel() {
		RuntimeHints hints = new RuntimeHints();
		AOT_FACTORIES.load(RuntimeHintsRegistrar.class).forEach((registrar) -> registrar.registerHints(hints, null));
		for (String getter : new String[] { "getMethod", "getMethodName", "getArgs", "getTarget", "getTargetClass" }) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(DlmLockedExpressionRoot.class, getter))
				.as(getter)
				.accepts(hints);
		}
	}

	@Test
	void annotatedBeanMethodsAreIntrospectable() {
		DlmLockedBeanRegistrationAotProcessor processor = AOT_FACTORIES.load(BeanRegistrationAotProcessor.class)
			.stream()
			.filter(DlmLockedBeanRegistrationAotProcessor.class::isInstance)
			.map(DlmLockedBeanRegistrationAotProcessor.class::cast)
			.findFirst()
			.orElseThrow();
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("jobs", new RootBeanDefinition(Jobs.class));
		beanFactory.registerBeanDefinition("plain", new RootBeanDefinition(Plain.class));
		assertThat(processor.processAheadOfTime(RegisteredBean.of(beanFactory, "plain"))).isNull();
		BeanRegistrationAotContribution contribution = processor.processAheadOfTime(RegisteredBean.of(beanFactory, "jobs"));
		assertThat(contribution).isNotNull();
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "Application")), new InMemoryGeneratedFiles());
		contribution.applyTo(generation, null);
		RuntimeHints hints = generation.getRuntimeHints();
		// a type hint includes introspecting the type's methods, which is what the advisor does
		assertThat(RuntimeHintsPredicates.reflection().onType(Jobs.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Runnable.class)).accepts(hints);
	}

	static class Jobs implements Runnable {

		@Override
		@DlmLocked
		public void run() {
		}

	}

	static class Plain {

		public void run() {
		}

	}

}
