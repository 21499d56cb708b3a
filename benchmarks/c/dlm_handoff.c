/*
 * dlm_handoff: the C counterpart of io.github.dlm.bench.HandoffDriver, the anchor of the
 * cross-node handoff row. One EX lock ping-ponged between two nodes: each side holds the
 * lock until its blocking AST says the other side waits, then unlocks and asks again at once.
 * The lock value block carries a counter and the last holder's node id; a grant whose last
 * holder was the other node counts as a handoff, and a counter that goes backwards would
 * prove broken exclusion.
 *
 *   build: gcc -O2 -Wall -D_REENTRANT -o dlm_handoff dlm_handoff.c -l:libdlm.so.3 -lpthread
 *   run:   dlm_handoff -n NODE [-l lockspace] [-r resource] [-s seconds] [-w warmup]
 *                      [-R ready-file] [-g go-file]
 * Output: "dlm_handoff node=N handoffs=H grants=G seconds=S handoffs_per_s=X lvb_ok=1 lvb_invalid=0"
 */
#include <sys/types.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libdlm.h>

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int basts;

static void on_bast(void *arg)
{
	(void) arg;
	pthread_mutex_lock(&mutex);
	basts++;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&mutex);
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Waits until a blocking AST arrived or the monotonic deadline passed. */
static void await_bast(long long deadline)
{
	struct timespec abs;
	pthread_mutex_lock(&mutex);
	while (basts == 0 && now_ns() < deadline) {
		long long d = deadline;
		abs.tv_sec = d / 1000000000LL;
		abs.tv_nsec = d % 1000000000LL;
		pthread_cond_timedwait(&cond, &mutex, &abs);
	}
	if (basts > 0)
		basts--;
	pthread_mutex_unlock(&mutex);
}

static void await_file(const char *path)
{
	for (int i = 0; i < 120000 && access(path, F_OK) != 0; i++)
		usleep(5000);
}

int main(int argc, char **argv)
{
	const char *lockspace = "dlmbench", *resource = "handoff-c", *ready = NULL, *go = NULL;
	double seconds = 20, warmup = 5;
	int node = 0, opt;

	while ((opt = getopt(argc, argv, "n:l:r:s:w:R:g:")) != -1) {
		switch (opt) {
		case 'n': node = atoi(optarg); break;
		case 'l': lockspace = optarg; break;
		case 'r': resource = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'w': warmup = atof(optarg); break;
		case 'R': ready = optarg; break;
		case 'g': go = optarg; break;
		default:
			fprintf(stderr, "usage: %s -n node [-l ls] [-r res] [-s seconds] [-w warmup] [-R ready] [-g go]\n", argv[0]);
			return 2;
		}
	}
	if (node <= 0 || seconds <= 0) {
		fprintf(stderr, "dlm_handoff: need -n NODE (> 0) and seconds > 0\n");
		return 2;
	}
	dlm_lshandle_t ls = dlm_open_lockspace(lockspace);
	if (ls == NULL && errno == ENOENT)
		ls = dlm_create_lockspace(lockspace, 0600);
	if (ls == NULL) {
		fprintf(stderr, "dlm_handoff: lockspace %s: %s\n", lockspace, errno ? strerror(errno) : "no kernel DLM");
		return 1;
	}
	if (dlm_ls_pthread_init(ls) != 0) {
		fprintf(stderr, "dlm_ls_pthread_init: %s\n", strerror(errno));
		return 1;
	}
	if (ready) {
		FILE *f = fopen(ready, "w");
		if (f) {
			fputs("ready\n", f);
			fclose(f);
		}
	}
	if (go)
		await_file(go);

	char lvb[DLM_LVB_LEN];
	struct dlm_lksb lksb;
	long long start = now_ns();
	long long window_start = start + (long long) (warmup * 1e9);
	long long end = window_start + (long long) (seconds * 1e9);
	long handoffs = 0, grants = 0, invalid = 0;
	uint64_t last_seen = 0;
	int lvb_ok = 1;
	memset(lvb, 0, sizeof(lvb));
	while (now_ns() < end) {
		memset(&lksb, 0, sizeof(lksb));
		lksb.sb_lvbptr = lvb;
		if (dlm_ls_lock_wait(ls, LKM_EXMODE, &lksb, LKF_VALBLK, resource, strlen(resource), 0, NULL, on_bast,
				NULL) != 0 || lksb.sb_status != 0) {
			fprintf(stderr, "dlm_ls_lock_wait: %s (sb_status %d)\n", strerror(errno), lksb.sb_status);
			return 1;
		}
		long long granted = now_ns();
		uint64_t counter;
		int32_t holder;
		int valid = !(lksb.sb_flags & DLM_SBF_VALNOTVALID);
		memcpy(&counter, lvb, sizeof(counter));
		memcpy(&holder, lvb + 8, sizeof(holder));
		if (!valid) {
			/* VALNOTVALID (e.g. recovery after a node left): the counter restarts from ours */
			counter = last_seen;
			holder = 0;
			invalid++;
		} else if (counter < last_seen) {
			if (lvb_ok)
				fprintf(stderr, "dlm_handoff: node %d: value block counter %llu after this node wrote %llu (last holder %d)\n",
						node, (unsigned long long) counter, (unsigned long long) last_seen, holder);
			lvb_ok = 0;
		}
		if (granted >= window_start && granted < end) {
			grants++;
			if (holder != 0 && holder != node)
				handoffs++;
		}
		last_seen = counter + 1;
		memcpy(lvb, &last_seen, sizeof(last_seen));
		holder = node;
		memcpy(lvb + 8, &holder, sizeof(holder));
		await_bast(end);
		if (dlm_ls_unlock_wait(ls, lksb.sb_lkid, LKF_VALBLK, &lksb) != 0) {
			fprintf(stderr, "dlm_ls_unlock_wait: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("dlm_handoff node=%d handoffs=%ld grants=%ld seconds=%.3f handoffs_per_s=%.1f lvb_ok=%d lvb_invalid=%ld\n",
			node, handoffs, grants, seconds, handoffs / seconds, lvb_ok, invalid);
	dlm_close_lockspace(ls);
	return lvb_ok ? 0 : 1;
}
