package io.github.dlm.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Runs the DLM starter in a test on the in-process local engine, whatever the application
 * configures ({@code dlm.backend=local}), and adds a {@link DlmTestLocks} bean to inspect
 * which keys are held and to play another node. Works on a full {@code @SpringBootTest}
 * and in test slices (it imports the starter's auto-configurations itself).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("dlm")
public @interface AutoConfigureDlm {

	/**
	 * The backend the test runs on.
	 * @return {@code local} unless a test really wants the kernel DLM
	 */
	String backend() default "local";

}
