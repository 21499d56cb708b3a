package io.github.dlm.archfixture.cycle.first;

import io.github.dlm.archfixture.cycle.second.Second;

/** One end of a package cycle. */
public class First {

	public Second second() {
		return new Second();
	}

}
