package io.github.dlm.lock.model;

/**
 * A violation of the contract seen in a run.
 * @param kind what rule was broken; the shrinker keeps a smaller script only if it breaks
 * the same one
 * @param message what happened
 */
record Failure(String kind, String message) {

}
