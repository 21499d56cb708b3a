/*
 * dlm_smoke: the cluster harness's C-level probe of the kernel DLM (built in the guest
 * against libdlm). Lockspace "smoke", one resource name per call.
 *
 *   dlm_smoke hold NAME MODE READYFILE RELEASEFILE
 *       take MODE (EX, PR, NL...) and wait; create READYFILE once granted; keep the lock until
 *       RELEASEFILE exists; unlock. Exit 0 when granted and unlocked cleanly.
 *   dlm_smoke try NAME
 *       EX with LKF_NOQUEUE. Prints the lksb status; exit 0 granted (then unlocked),
 *       11 (EAGAIN) not granted, 1 error.
 *   dlm_smoke bench NAME COUNT
 *       COUNT pairs of blocking EX lock + unlock; prints microseconds per pair.
 *   dlm_smoke lvbcount NAME COUNT GOFILE KEEPNL [READYFILE]
 *       creates READYFILE (if given) once its NL lock is held (or at once without KEEPNL),
 *       waits for GOFILE, then COUNT times: EX with LKF_VALBLK, read a counter from the first
 *       8 bytes of the value block, convert EX->NL with LKF_VALBLK publishing counter+1,
 *       unlock. With KEEPNL=1 an extra NL lock is held on NAME throughout. Prints the values
 *       seen on one line ("seen: ...").
 */
#include <sys/types.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libdlm.h>

static dlm_lshandle_t ls;

static int mode_of(const char *s)
{
	static const char *names[] = { "NL", "CR", "CW", "PR", "PW", "EX" };
	for (int i = 0; i < 6; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	fprintf(stderr, "unknown mode %s\n", s);
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Returns sb_status (0 granted), or -1 when the request was refused outright. */
static int lock(const char *name, int mode, uint32_t flags, struct dlm_lksb *lksb)
{
	memset(lksb, 0, sizeof(*lksb));
	if (dlm_ls_lock_wait(ls, mode, lksb, flags, name, strlen(name), 0, NULL, NULL, NULL) != 0) {
		fprintf(stderr, "dlm_ls_lock_wait(%s): %s\n", name, strerror(errno));
		return -1;
	}
	return lksb->sb_status;
}

static int unlock(struct dlm_lksb *lksb)
{
	if (dlm_ls_unlock_wait(ls, lksb->sb_lkid, 0, lksb) != 0) {
		fprintf(stderr, "dlm_ls_unlock_wait: %s\n", strerror(errno));
		return -1;
	}
	return lksb->sb_status == EUNLOCK ? 0 : lksb->sb_status;
}

/* Creates an empty file: a step marker the host watches on the share. */
static int touch(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	return fclose(f);
}

int main(int argc, char **argv)
{
	struct dlm_lksb lksb;
	int st;

	if (argc < 3) {
		fprintf(stderr, "usage: dlm_smoke hold|try|bench NAME ...\n");
		return 1;
	}
	ls = dlm_create_lockspace("smoke", 0600);
	if (ls == NULL) {
		fprintf(stderr, "dlm_create_lockspace(smoke): %s\n", strerror(errno));
		return 1;
	}
	if (dlm_ls_pthread_init(ls) != 0) {
		fprintf(stderr, "dlm_ls_pthread_init failed\n");
		return 1;
	}
	if (strcmp(argv[1], "hold") == 0 && argc == 6) {
		st = lock(argv[2], mode_of(argv[3]), 0, &lksb);
		printf("hold %s %s: sb_status=%d lkid=%u\n", argv[2], argv[3], st, lksb.sb_lkid);
		fflush(stdout);
		if (st != 0)
			return 1;
		FILE *f = fopen(argv[4], "w");
		if (f != NULL)
			fclose(f);
		while (access(argv[5], F_OK) != 0)
			usleep(100000);
		st = unlock(&lksb);
		printf("unlock %s: %s (sb_status=%d)\n", argv[2], st == 0 ? "ok" : "FAILED", lksb.sb_status);
		return st == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "try") == 0 && argc == 3) {
		st = lock(argv[2], LKM_EXMODE, LKF_NOQUEUE, &lksb);
		printf("try %s EX NOQUEUE: sb_status=%d\n", argv[2], st);
		if (st == 0)
			return unlock(&lksb) == 0 ? 0 : 1;
		return st == EAGAIN ? EAGAIN : 1;
	}
	if (strcmp(argv[1], "bench") == 0 && argc == 4) {
		int n = atoi(argv[3]);
		double t0 = now_us();
		for (int i = 0; i < n; i++) {
			if (lock(argv[2], LKM_EXMODE, 0, &lksb) != 0 || unlock(&lksb) != 0) {
				fprintf(stderr, "bench: pair %d failed\n", i);
				return 1;
			}
		}
		printf("bench %s: %d lock+unlock pairs, %.1f us per pair\n", argv[2], n, (now_us() - t0) / n);
		return 0;
	}
	if (strcmp(argv[1], "lvbcount") == 0 && (argc == 6 || argc == 7)) {
		int n = atoi(argv[3]);
		struct dlm_lksb nl;
		char lvb[DLM_LVB_LEN];
		if (atoi(argv[5]) && lock(argv[2], LKM_NLMODE, 0, &nl) != 0)
			return 1;
		if (argc == 7 && touch(argv[6]) != 0)
			return 1;
		while (access(argv[4], F_OK) != 0)
			usleep(50000);
		printf("seen:");
		for (int i = 0; i < n; i++) {
			int64_t v;
			memset(&lksb, 0, sizeof(lksb));
			lksb.sb_lvbptr = lvb;
			if (dlm_ls_lock_wait(ls, LKM_EXMODE, &lksb, LKF_VALBLK, argv[2], strlen(argv[2]), 0, NULL, NULL, NULL) != 0
					|| lksb.sb_status != 0) {
				fprintf(stderr, "lvbcount: EX %d failed: %d\n", i, lksb.sb_status);
				return 1;
			}
			memcpy(&v, lvb, sizeof(v));
			printf(" %lld%s", (long long)v, (lksb.sb_flags & DLM_SBF_VALNOTVALID) ? "!" : "");
			v++;
			memset(lvb, 0, sizeof(lvb));
			memcpy(lvb, &v, sizeof(v));
			if (dlm_ls_lock_wait(ls, LKM_NLMODE, &lksb, LKF_CONVERT | LKF_VALBLK, argv[2], strlen(argv[2]), 0, NULL,
					NULL, NULL) != 0 || lksb.sb_status != 0) {
				fprintf(stderr, "lvbcount: convert %d failed: %d\n", i, lksb.sb_status);
				return 1;
			}
			if (unlock(&lksb) != 0)
				return 1;
		}
		printf("\n");
		return 0;
	}
	fprintf(stderr, "bad arguments\n");
	return 1;
}
