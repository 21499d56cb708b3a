/**
 * Small sets of classes that break the architecture rules on purpose, so that
 * {@code ArchitectureRulesTests} can show that each rule fails; each subpackage is the root
 * of one set. Test code only: never on the library's class path.
 */
package io.github.dlm.archfixture;
