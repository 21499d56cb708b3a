package io.github.dlm.core;

import java.util.function.Consumer;

/**
 * Closes a group of DLM resources (lockspaces, registries) so that one failing to close
 * does not keep the others open.
 */
public final class DlmClosing {

	private DlmClosing() {
	}

	/**
	 * Applies {@code closer} to every item, even when some throw, then rethrows the first
	 * failure with the later ones added as suppressed.
	 * @param <T> the item type
	 * @param items what to close
	 * @param closer how to close one item
	 * @throws RuntimeException the first failure, if any
	 */
	public static <T> void closeEach(Iterable<T> items, Consumer<? super T> closer) {
		RuntimeException failure = null;
		for (T item : items) {
			try {
				closer.accept(item);
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
