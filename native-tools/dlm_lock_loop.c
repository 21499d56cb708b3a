/*
 * dlm_lock_loop: the physical limit the Java binding is measured against. Takes and
 * releases one lock N times with libdlm's synchronous calls on one lockspace and prints the
 * mean time per lock+unlock pair.
 *
 *   build: make -C native-tools        (needs libdlm-dev: scripts/install-native-deps.sh)
 *   run:   native-tools/dlm_lock_loop [-l lockspace] [-r resource] [-m NL|CR|CW|PR|PW|EX]
 *                                      [-n iterations] [-w warmup] [-c]
 *   -c creates the lockspace when it does not exist (needs CAP_SYS_ADMIN) and releases it
 *   at the end.
 *
 * libdlm.so's *_wait calls need a dispatcher, so the lockspace's libdlm thread is started
 * with dlm_ls_pthread_init (fine in C: no JVM frames for its pthread_cancel to unwind).
 * Output, one line: "dlm_lock_loop lockspace=.. resource=.. mode=.. iterations=N ns_per_op=X"
 */
#include <sys/types.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libdlm.h>

static const char *mode_names[] = { "NL", "CR", "CW", "PR", "PW", "EX" };

static int parse_mode(const char *name)
{
	for (int i = 0; i < 6; i++) {
		if (strcmp(name, mode_names[i]) == 0)
			return i;
	}
	fprintf(stderr, "dlm_lock_loop: unknown mode %s (use NL, CR, CW, PR, PW or EX)\n", name);
	exit(2);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int lock_unlock(dlm_lshandle_t ls, int mode, const char *resource)
{
	struct dlm_lksb lksb;
	memset(&lksb, 0, sizeof(lksb));
	if (dlm_ls_lock_wait(ls, mode, &lksb, 0, resource, strlen(resource), 0, NULL, NULL, NULL) != 0) {
		fprintf(stderr, "dlm_ls_lock_wait: %s\n", strerror(errno));
		return -1;
	}
	if (lksb.sb_status != 0) {
		fprintf(stderr, "dlm_ls_lock_wait: sb_status %d\n", lksb.sb_status);
		return -1;
	}
	if (dlm_ls_unlock_wait(ls, lksb.sb_lkid, 0, &lksb) != 0) {
		fprintf(stderr, "dlm_ls_unlock_wait: %s\n", strerror(errno));
		return -1;
	}
	if (lksb.sb_status != EUNLOCK) {
		fprintf(stderr, "dlm_ls_unlock_wait: sb_status %d\n", lksb.sb_status);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *lockspace = "dlmbench";
	const char *resource = "dlm-lock-loop";
	int mode = LKM_EXMODE;
	long iterations = 10000;
	long warmup = 1000;
	int create = 0;
	int opt;

	while ((opt = getopt(argc, argv, "l:r:m:n:w:c")) != -1) {
		switch (opt) {
		case 'l': lockspace = optarg; break;
		case 'r': resource = optarg; break;
		case 'm': mode = parse_mode(optarg); break;
		case 'n': iterations = atol(optarg); break;
		case 'w': warmup = atol(optarg); break;
		case 'c': create = 1; break;
		default:
			fprintf(stderr, "usage: %s [-l lockspace] [-r resource] [-m mode] [-n iterations] [-w warmup] [-c]\n",
					argv[0]);
			return 2;
		}
	}
	if (iterations <= 0 || warmup < 0 || strlen(resource) == 0 || strlen(resource) > DLM_RESNAME_MAXLEN) {
		fprintf(stderr, "dlm_lock_loop: need iterations > 0, warmup >= 0 and a 1..%d byte resource name\n",
				DLM_RESNAME_MAXLEN);
		return 2;
	}

	dlm_lshandle_t ls = dlm_open_lockspace(lockspace);
	int created = 0;
	if (ls == NULL && errno == ENOENT && create) {
		ls = dlm_create_lockspace(lockspace, 0600);
		created = (ls != NULL);
	}
	if (ls == NULL) {
		/* libdlm returns NULL with errno 0 when the dlm kernel module is not loaded */
		fprintf(stderr, "dlm_lock_loop: cannot %s lockspace %s: %s\n", create ? "create" : "open", lockspace,
				errno ? strerror(errno) : "no kernel DLM (is the dlm module loaded and dlm_controld running?)");
		return 1;
	}
	int rc = dlm_ls_pthread_init(ls);
	if (rc != 0) {
		fprintf(stderr, "dlm_ls_pthread_init: %s\n", strerror(rc == -1 ? errno : rc));
		return 1;
	}

	for (long i = 0; i < warmup; i++) {
		if (lock_unlock(ls, mode, resource) != 0)
			return 1;
	}
	long long start = now_ns();
	for (long i = 0; i < iterations; i++) {
		if (lock_unlock(ls, mode, resource) != 0)
			return 1;
	}
	long long elapsed = now_ns() - start;
	printf("dlm_lock_loop lockspace=%s resource=%s mode=%s iterations=%ld ns_per_op=%lld\n", lockspace, resource,
			mode_names[mode], iterations, elapsed / iterations);

	if (created)
		dlm_release_lockspace(lockspace, ls, 1);
	else
		dlm_close_lockspace(ls);
	return 0;
}
