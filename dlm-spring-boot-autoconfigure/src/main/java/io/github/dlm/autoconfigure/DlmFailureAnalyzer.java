package io.github.dlm.autoconfigure;

import io.github.dlm.core.DlmException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Base of the analyzers that turn a DLM exception behind a failed start-up into Spring
 * Boot's failure report: the description is the library's message (what failed and why);
 * the action is what to set or do, naming the {@code dlm.*} properties, which the library
 * itself knows nothing of. Subclasses choose the action by the exception's type and fields,
 * never by its message.
 *
 * @param <T> the exception analysed
 */
abstract class DlmFailureAnalyzer<T extends DlmException> extends AbstractFailureAnalyzer<T> {

	/** The way out that every backend problem shares. */
	static final String USE_LOCAL_ENGINE = "To run on the in-process local engine instead (locks shared within "
			+ "this JVM only), set dlm.backend=auto or dlm.backend=local.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, T cause) {
		return new FailureAnalysis(String.valueOf(cause.getMessage()), action(cause), cause);
	}

	/**
	 * What to do about the failure.
	 * @param cause the exception
	 * @return the action, naming the properties to set
	 */
	abstract String action(T cause);

}
