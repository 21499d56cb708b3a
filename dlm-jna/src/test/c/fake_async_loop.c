/*
 * The C floor for NativeLoopMeasurement: N uncontended lock(EX)+unlock pairs through the
 * ASYNCHRONOUS libdlm API (dlm_ls_lock/dlm_ls_unlock with an AST), against whatever library
 * it is linked with (the test stand-in fake_libdlm.c, or the real libdlm.so.3 in a VM).
 *
 *   threaded (default): a dispatcher pthread loops poll(fd, POLLIN, 200 ms) + dlm_dispatch(fd)
 *     and the AST wakes the caller through a mutex/condvar: the shape of the Java backend
 *     (DlmDispatcher thread + CompletableFuture), minus the JVM.
 *   inline (-i): the calling thread itself polls and dispatches after each call: the floor.
 *   -v: request with LKF_VALBLK and unlock in two steps (EX->NL with VALBLK, then unlock),
 *     as the Java backend does for a lock requested with VALBLK.
 *
 * Output, one line: "fake_async_loop mode=threaded|inline valblk=0|1 iterations=N ns_per_op=X ops_per_s=Y
 *   cpu_ns_per_op=Z" (CPU time of the process, all threads, per pair)
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libdlm.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done;
static volatile int running = 1;
static int fd;

static void ast(void *arg)
{
	(void) arg;
	pthread_mutex_lock(&mu);
	done = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static void *dispatcher(void *arg)
{
	(void) arg;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (running) {
		if (poll(&p, 1, 200) > 0)
			dlm_dispatch(fd);
	}
	return NULL;
}

static int inline_mode;

static void await_ast(void)
{
	if (inline_mode) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		while (!done) {
			if (poll(&p, 1, 200) > 0)
				dlm_dispatch(fd);
		}
		done = 0;
		return;
	}
	pthread_mutex_lock(&mu);
	while (!done)
		pthread_cond_wait(&cv, &mu);
	done = 0;
	pthread_mutex_unlock(&mu);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

static void check(int rc, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "fake_async_loop: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long iterations = 20000, warmup = 2000;
	int valblk = 0, opt;
	const char *lockspace = "loopbench";
	while ((opt = getopt(argc, argv, "n:w:ivl:")) != -1) {
		switch (opt) {
		case 'n': iterations = atol(optarg); break;
		case 'w': warmup = atol(optarg); break;
		case 'i': inline_mode = 1; break;
		case 'v': valblk = 1; break;
		case 'l': lockspace = optarg; break;
		default: fprintf(stderr, "usage: fake_async_loop [-n N] [-w N] [-i] [-v] [-l lockspace]\n"); return 2;
		}
	}
	dlm_lshandle_t ls = dlm_new_lockspace(lockspace, 0600, 0);
	if (!ls) {
		fprintf(stderr, "fake_async_loop: dlm_new_lockspace: %s\n", strerror(errno));
		return 1;
	}
	fd = dlm_ls_get_fd(ls);
	pthread_t t;
	if (!inline_mode)
		pthread_create(&t, NULL, dispatcher, NULL);
	static char lvb[32];
	struct dlm_lksb lksb;
	const char *name = "loop";
	long long start = 0, cpu_start = 0;
	for (long i = -warmup; i < iterations; i++) {
		if (i == 0) {
			start = now_ns();
			cpu_start = cpu_ns();
		}
		memset(&lksb, 0, sizeof(lksb));
		lksb.sb_lvbptr = lvb;
		check(dlm_ls_lock(ls, LKM_EXMODE, &lksb, valblk ? LKF_VALBLK : 0, name, strlen(name), 0, ast, &lksb, NULL, NULL), "lock");
		await_ast();
		if (lksb.sb_status != 0) { fprintf(stderr, "lock status %d\n", lksb.sb_status); return 1; }
		if (valblk) {
			check(dlm_ls_lock(ls, LKM_NLMODE, &lksb, LKF_CONVERT | LKF_VALBLK, name, strlen(name), 0, ast, &lksb, NULL, NULL), "convert");
			await_ast();
			if (lksb.sb_status != 0) { fprintf(stderr, "convert status %d\n", lksb.sb_status); return 1; }
		}
		check(dlm_ls_unlock(ls, lksb.sb_lkid, 0, &lksb, &lksb), "unlock");
		await_ast();
		if (lksb.sb_status != EUNLOCK) { fprintf(stderr, "unlock status %d\n", lksb.sb_status); return 1; }
	}
	long long elapsed = now_ns() - start, cpu = cpu_ns() - cpu_start;
	running = 0;
	if (!inline_mode)
		pthread_join(t, NULL);
	dlm_release_lockspace(lockspace, ls, 1);
	printf("fake_async_loop mode=%s valblk=%d iterations=%ld ns_per_op=%lld ops_per_s=%.0f cpu_ns_per_op=%lld\n",
			inline_mode ? "inline" : "threaded", valblk, iterations, elapsed / iterations,
			iterations * 1e9 / (double) elapsed, cpu / iterations);
	return 0;
}
