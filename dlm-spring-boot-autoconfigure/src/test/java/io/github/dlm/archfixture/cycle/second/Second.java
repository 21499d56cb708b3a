package io.github.dlm.archfixture.cycle.second;

import io.github.dlm.archfixture.cycle.first.First;

/** The other end of a package cycle. */
public class Second {

	public First first() {
		return new First();
	}

}
