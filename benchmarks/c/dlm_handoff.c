/*
 * dlm_handoff: the C counterpart of io.github.dlm.bench.HandoffDriver, the anchor of the
 * cross-node handoff row. One EX lock ping-ponged between two nodes: each side holds the
 * lock until its blocking AST says the other side waits, then releases it and asks again at
 * once. Each side keeps one lock for the whole run and converts it NL -> EX with LKF_VALBLK
 * (reads the value block) and EX -> NL with LKF_VALBLK (publishes it): two lock manager calls
 * per turn, the fewest with which a value block survives. The NL lock between turns blocks
 * nobody and keeps the resource, and so its value block, alive (the DLM drops a resource's
 * value block when no lock is left on it). The starter's DlmLock also makes two calls per turn
 * (a new EX request, an unlock that carries the value block) and keeps an NL anchor.
 *
 * Why not a new lock per turn released by dlm_ls_unlock: libdlm's unlock request carries an
 * uninitialised value block, and the kernel writes it to the resource when a PW/EX lock taken
 * with VALBLK is unlocked, so the resource would get stack garbage (libdlm-internals.md,
 * section 2.3).
 *
 * The value block (32 bytes, native byte order): [0] u64 counter of published turns,
 * [8] i32 node id of the last holder, [16] u64 turns published by node 1, [24] u64 turns
 * published by node 2. A grant whose last holder was the other node counts as a handoff.
 * Exclusion check, on every grant: the slot of this node must equal the turns this node
 * published (a write of ours lost to a writer that read the block before ours landed, i.e.
 * two holders at once, shows here), the counter must equal the sum of the slots and must
 * never go backwards. -U (a test of the check, never for measuring) breaks exclusion on
 * purpose: it reads the value block under one grant, releases the lock without writing, and
 * writes what it read plus one under the next grant, so the other node's update in between
 * is lost and lvb_ok must come out 0.
 *
 *   build: gcc -O2 -Wall -D_REENTRANT -o dlm_handoff dlm_handoff.c -l:libdlm.so.3 -lpthread
 *   run:   dlm_handoff -n NODE(1|2) [-l lockspace] [-r resource] [-s seconds] [-w warmup]
 *                      [-R ready-file] [-g go-file] [-U]
 * Output: "dlm_handoff node=N handoffs=H grants=G seconds=S handoffs_per_s=X lvb_ok=1 lvb_invalid=0"
 * Exit status 1 when the check failed (lvb_ok=0) or a lock call failed.
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

struct value {
	uint64_t counter;
	int32_t holder;
	uint64_t slot[2];
};

static void decode(const char *lvb, struct value *v)
{
	memcpy(&v->counter, lvb, 8);
	memcpy(&v->holder, lvb + 8, 4);
	memcpy(&v->slot[0], lvb + 16, 8);
	memcpy(&v->slot[1], lvb + 24, 8);
}

static void encode(const struct value *v, char *lvb)
{
	memset(lvb, 0, DLM_LVB_LEN);
	memcpy(lvb, &v->counter, 8);
	memcpy(lvb + 8, &v->holder, 4);
	memcpy(lvb + 16, &v->slot[0], 8);
	memcpy(lvb + 24, &v->slot[1], 8);
}

static dlm_lshandle_t ls;
static const char *resource = "handoff-c";

/* The lock kept for the whole run: a new NL lock with LKF_VALBLK (so later conversions may use it). */
static void lock_nl(struct dlm_lksb *lksb, char *lvb)
{
	memset(lksb, 0, sizeof(*lksb));
	lksb->sb_lvbptr = lvb;
	if (dlm_ls_lock_wait(ls, LKM_NLMODE, lksb, LKF_VALBLK, resource, strlen(resource), 0, NULL, NULL,
			NULL) != 0 || lksb->sb_status != 0) {
		fprintf(stderr, "dlm_handoff: NL request: %s (sb_status %d)\n", strerror(errno), lksb->sb_status);
		exit(1);
	}
}

/* NL -> EX with LKF_VALBLK: returns when granted; the value block is in lvb. */
static void lock_ex(struct dlm_lksb *lksb, char *lvb)
{
	lksb->sb_lvbptr = lvb;
	if (dlm_ls_lock_wait(ls, LKM_EXMODE, lksb, LKF_CONVERT | LKF_VALBLK, resource, strlen(resource), 0, NULL,
			on_bast, NULL) != 0 || lksb->sb_status != 0) {
		fprintf(stderr, "dlm_handoff: NL->EX conversion: %s (sb_status %d)\n", strerror(errno), lksb->sb_status);
		exit(1);
	}
}

/* EX -> NL, publishing lvb when publish is set (without LKF_VALBLK the value block is left as it was). */
static void release(struct dlm_lksb *lksb, int publish)
{
	if (dlm_ls_lock_wait(ls, LKM_NLMODE, lksb, LKF_CONVERT | (publish ? LKF_VALBLK : 0), resource,
			strlen(resource), 0, NULL, NULL, NULL) != 0 || lksb->sb_status != 0) {
		fprintf(stderr, "dlm_handoff: EX->NL conversion: %s (sb_status %d)\n", strerror(errno), lksb->sb_status);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *lockspace = "dlmbench", *ready = NULL, *go = NULL;
	double seconds = 20, warmup = 5;
	int node = 0, opt, unsafe = 0;

	while ((opt = getopt(argc, argv, "n:l:r:s:w:R:g:U")) != -1) {
		switch (opt) {
		case 'n': node = atoi(optarg); break;
		case 'l': lockspace = optarg; break;
		case 'r': resource = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'w': warmup = atof(optarg); break;
		case 'R': ready = optarg; break;
		case 'g': go = optarg; break;
		case 'U': unsafe = 1; break;
		default:
			fprintf(stderr, "usage: %s -n node(1|2) [-l ls] [-r res] [-s seconds] [-w warmup] [-R ready] [-g go] [-U]\n",
					argv[0]);
			return 2;
		}
	}
	if (node < 1 || node > 2 || seconds <= 0) {
		fprintf(stderr, "dlm_handoff: need -n NODE (1 or 2: the value block has one slot per node) and seconds > 0\n");
		return 2;
	}
	ls = dlm_open_lockspace(lockspace);
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
	char lvb[DLM_LVB_LEN], scratch[DLM_LVB_LEN];
	struct dlm_lksb lksb;
	memset(lvb, 0, sizeof(lvb));
	lock_nl(&lksb, lvb);
	if (ready) {
		FILE *f = fopen(ready, "w");
		if (f) {
			fputs("ready\n", f);
			fclose(f);
		}
	}
	if (go)
		await_file(go);

	long long start = now_ns();
	long long window_start = start + (long long) (warmup * 1e9);
	long long end = window_start + (long long) (seconds * 1e9);
	long handoffs = 0, grants = 0, invalid = 0;
	uint64_t published = 0, last_counter = 0;
	int lvb_ok = 1, me = node - 1;
	while (now_ns() < end) {
		lock_ex(&lksb, lvb);
		long long granted = now_ns();
		struct value v;
		decode(lvb, &v);
		if (lksb.sb_flags & DLM_SBF_VALNOTVALID) {
			/* Recovery after a node left: nothing to check against; restart from our own count. */
			invalid++;
			v.counter = published;
			v.holder = 0;
			v.slot[me] = published;
			v.slot[1 - me] = 0;
		} else if (v.slot[me] != published || v.counter != v.slot[0] + v.slot[1] || v.counter < last_counter) {
			if (lvb_ok)
				fprintf(stderr, "dlm_handoff: node %d: exclusion check failed: value block counter=%llu "
						"slots=%llu,%llu last holder %d, but this node published %llu turns and last saw counter %llu\n",
						node, (unsigned long long) v.counter, (unsigned long long) v.slot[0],
						(unsigned long long) v.slot[1], v.holder, (unsigned long long) published,
						(unsigned long long) last_counter);
			lvb_ok = 0;
		}
		if (granted >= window_start && granted < end) {
			grants++;
			if (v.holder != 0 && v.holder != node)
				handoffs++;
		}
		if (unsafe) {
			/* Broken on purpose: let the other node in between our read and our write. */
			await_bast(end);
			release(&lksb, 0);
			lock_ex(&lksb, scratch);
		}
		v.counter++;
		v.slot[me]++;
		v.holder = node;
		published++;
		last_counter = v.counter;
		encode(&v, lksb.sb_lvbptr);
		await_bast(end);
		release(&lksb, 1);
	}
	if (dlm_ls_unlock_wait(ls, lksb.sb_lkid, 0, &lksb) != 0 || lksb.sb_status != EUNLOCK)
		fprintf(stderr, "dlm_handoff: unlock of the NL lock: %s (sb_status %d)\n", strerror(errno), lksb.sb_status);
	printf("dlm_handoff node=%d handoffs=%ld grants=%ld seconds=%.3f handoffs_per_s=%.1f lvb_ok=%d lvb_invalid=%ld\n",
			node, handoffs, grants, seconds, handoffs / seconds, lvb_ok, invalid);
	dlm_close_lockspace(ls);
	return lvb_ok ? 0 : 1;
}
