/*
 * A stand-in for libdlm.so.3 + the kernel DLM, for tests on machines without a kernel DLM.
 * It exports the functions LibDlm maps with the same prototypes and the same observable
 * protocol as libdlm over the kernel device (see shared/notes/libdlm-internals.md):
 *   - dlm_ls_lock/dlm_ls_unlock write EINPROG into sb_status, return 0 or -1/errno, and
 *     queue completions on a per-lockspace descriptor (a pipe) that poll() reports readable;
 *   - read(fd, buf, n) on a lockspace descriptor is the kernel device's read: one queued
 *     completion or blocking callback as a struct dlm_lock_result (user astaddr, astparam
 *     and lksb, the kernel's negative status, lkid, flags, bast_mode for a BAST) with the
 *     value block behind it when the completion reads one; EAGAIN when the descriptor is
 *     non-blocking and nothing is queued. It never writes the lksb. Any other descriptor
 *     goes to the real read(2);
 *   - dlm_dispatch(fd) copies status/lkid/flags (and the value block on reads) into the
 *     lksb last given for the lock, then calls the lock's AST (or BAST) with its astarg;
 *   - the unlock AST reuses the lock's AST; convert replaces AST, BAST, astarg and lksb;
 *   - cancel of a waiting request -> ECANCEL (lock ends), of a conversion -> ECANCEL (mode
 *     kept), of a granted lock -> 0 and no completion (the kernel's EBUSY-as-success);
 *   - unlock from PW/EX of a lock last requested with VALBLK writes GARBAGE (0xEE bytes)
 *     to the resource value block, as libdlm's uninitialised unlock LVB does;
 *   - write(fd, struct dlm_write_request, n) on a lockspace descriptor is the kernel
 *     device's write: only DLM_USER_UNLOCK is served (lock requests go through dlm_ls_lock),
 *     with the kernel's checks (size, version, is64bit) and its value block rule: the
 *     request's lvb is what an unlock from PW/EX of a VALBLK lock publishes. Any other
 *     descriptor goes to the real write(2). The backend finds this write because JNA looks
 *     functions up in the library's own symbol scope, where this definition comes first;
 *     for the real libdlm that lookup reaches the C library's write;
 *   - closing the lockspace force-releases its locks, invalidating the value block of
 *     PW/EX VALBLK holders, and grants the waiters of other handles.
 * It is deliberately small: one node, FIFO grants, no QUECVT/ALT/deadlock detection.
 * Extra test control: fake_fail_next(errno) refuses the next lock/unlock call;
 * fake_hold_callbacks(1) queues completions without waking poll()
 * until fake_hold_callbacks(0), to stage races deterministically.
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libdlm.h>

/* The device protocol of linux/dlm_device.h, restated: that header redefines libdlm.h's types. */
#define DEV_MAJOR 6
#define DEV_MINOR 0
#define DEV_USER_UNLOCK 2
struct dev_lock_params { uint8_t mode, namelen; uint16_t unused; uint32_t flags, lkid, parent; uint64_t xid, timeout;
	void *castparam, *castaddr, *bastparam, *bastaddr; struct dlm_lksb *lksb; char lvb[32]; char name[]; };
struct dev_write_request { uint32_t version[3]; uint8_t cmd, is64bit, unused[2]; union { struct dev_lock_params lock; } i; };
_Static_assert(sizeof(struct dev_write_request) == 120, "struct dlm_write_request is 120 bytes on LP64");
struct dev_lksb { int sb_status; uint32_t sb_lkid; char sb_flags; char *sb_lvbptr; };
struct dev_lock_result { uint32_t version[3], length; void *user_astaddr, *user_astparam; struct dlm_lksb *user_lksb;
	struct dev_lksb lksb; uint8_t bast_mode; uint8_t unused[3]; uint32_t lvb_offset; };
_Static_assert(sizeof(struct dev_lock_result) == 72, "struct dlm_lock_result is 72 bytes on LP64");

#define MAX_LOCKS 4096
#define MAX_LS 1024 /* lockspaces opened without release stay created, as in the kernel */
#define MAX_HANDLES 256
enum state { FREE, WAITING, CONVERTING, GRANTED };

struct fake_ls { char name[65]; int created; int rfd, wfd; int open; };
struct record { struct record *next; uint32_t lkid; int bast; int bastmode; int status; int flags; int lvb; char lvbdata[32];
	void (*fn)(void *); void *arg; struct dlm_lksb *lksb; };
struct handle { struct fake_ls *ls; int rfd, wfd; struct record *head, *tail; int held; int unsignalled; };
struct res { struct fake_ls *ls; char name[64]; int namelen; char lvb[32]; int valid; };
struct lock { enum state state; struct handle *h; struct res *res; int grmode, rqmode; uint32_t flags;
	void (*ast)(void *); void (*bast)(void *); void *astarg; struct dlm_lksb *lksb; char lvb[32]; uint64_t seq; };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct fake_ls spaces[MAX_LS];
static struct res *resources[MAX_LOCKS];
static struct lock locks[MAX_LOCKS];
/* One past the highest lock id / resource slot ever used: scans stop there (cheap per call). */
static int used_locks = 1, used_res;
static struct handle *handles[MAX_HANDLES];
static uint64_t seq;
static int hold;
static int fail_next;
static int calls_lock, calls_unlock, calls_write;

/* Never the exported write and read below (which take mu): straight to the system call. */
static ssize_t raw_write(int fd, const void *buf, size_t n) { return syscall(SYS_write, fd, buf, n); }
static ssize_t raw_read(int fd, void *buf, size_t n) { return syscall(SYS_read, fd, buf, n); }

static const int compat[6][6] = { { 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1, 0 }, { 1, 1, 1, 0, 0, 0 },
	{ 1, 1, 0, 1, 0, 0 }, { 1, 1, 0, 0, 0, 0 }, { 1, 0, 0, 0, 0, 0 } };

static void signal_handle(struct handle *h)
{
	char b = 1;
	if (hold) { h->unsignalled++; return; }
	if (raw_write(h->wfd, &b, 1) != 1) { /* pipe full: test bug */ }
}

static void queue(struct lock *l, int bast, int status, int flags, int copy_lvb)
{
	struct record *r = calloc(1, sizeof(*r));
	r->lkid = (uint32_t) (l - locks); r->bast = bast != 0; r->bastmode = bast; r->status = status; r->flags = flags; r->lvb = copy_lvb;
	if (copy_lvb) memcpy(r->lvbdata, l->res->lvb, 32);
	r->fn = bast ? l->bast : l->ast; r->arg = l->astarg; r->lksb = l->lksb;
	if (l->h->tail) l->h->tail->next = r; else l->h->head = r;
	l->h->tail = r;
	signal_handle(l->h);
}

static int grantable(struct lock *l, int mode)
{
	for (int i = 1; i < used_locks; i++) {
		struct lock *o = &locks[i];
		if (o == l || o->state == FREE || o->res != l->res) continue;
		if ((o->state == GRANTED || o->state == CONVERTING) && !compat[o->grmode][mode]) return 0;
		if (l->state == WAITING && o->state == WAITING && o->seq < l->seq) return 0; /* FIFO */
	}
	return 1;
}

static void grant(struct lock *l)
{
	int before = l->grmode, flags = 0, read = 0;
	if (l->flags & LKF_VALBLK) {
		if (before >= LKM_PWMODE && !(before == LKM_PWMODE && l->rqmode == LKM_EXMODE)) {
			if (l->flags & LKF_IVVALBLK) l->res->valid = 0;
			else { memcpy(l->res->lvb, l->lvb, 32); l->res->valid = 1; }
		} else {
			read = 1;
			if (!l->res->valid) flags |= DLM_SBF_VALNOTVALID;
		}
	}
	l->grmode = l->rqmode; l->state = GRANTED;
	queue(l, 0, 0, flags, read);
}

static void bast_blockers(struct lock *l, int mode)
{
	for (int i = 1; i < used_locks; i++) {
		struct lock *o = &locks[i];
		if (o != l && o->state != FREE && o->res == l->res && o->state == GRANTED && !compat[o->grmode][mode] && o->bast)
			queue(o, mode, 0, 0, 0); /* bast = the blocked mode, never 0: NL blocks nobody */
	}
}

static void regrant(struct res *res)
{
	for (int pass = 0; pass < 2; pass++) { /* conversions first, then waiters in order */
		for (;;) {
			struct lock *best = NULL;
			for (int i = 1; i < used_locks; i++) {
				struct lock *o = &locks[i];
				if (o->res != res || o->state != (pass == 0 ? CONVERTING : WAITING)) continue;
				if (!best || o->seq < best->seq) best = o;
			}
			if (!best || !grantable(best, best->rqmode)) break;
			grant(best);
		}
	}
}

static void end_lock(struct lock *l) { l->state = FREE; l->res = NULL; }

/* The kernel drops a resource, and its value block, when its last lock goes. */
static void collect(struct res *res)
{
	for (int i = 1; i < used_locks; i++) if (locks[i].state != FREE && locks[i].res == res) return;
	for (int i = 0; i < used_res; i++) if (resources[i] == res) { resources[i] = NULL; free(res); }
}

static struct handle *handle_of(dlm_lshandle_t ls) { return (struct handle *) ls; }

/*
 * The exported entry points never call each other, only these static helpers. This file is
 * loaded into a JVM that may already hold the real libdlm.so.3 in its global symbol scope
 * (JNA opens libraries with RTLD_GLOBAL); a call from here to an exported dlm_* name would
 * then bind to the real library's function, e.g. dlm_new_lockspace would return the real
 * dlm_open_lockspace's NULL (with errno 0 when there is no kernel DLM).
 */
static dlm_lshandle_t open_handle(const char *name)
{
	pthread_mutex_lock(&mu);
	struct fake_ls *s = NULL;
	for (int i = 0; i < MAX_LS; i++) if (spaces[i].created && !strcmp(spaces[i].name, name)) s = &spaces[i];
	if (!s) { pthread_mutex_unlock(&mu); errno = ENOENT; return NULL; }
	int slot = -1;
	for (int i = 0; i < MAX_HANDLES && slot < 0; i++) if (!handles[i]) slot = i;
	struct handle *h = (slot < 0) ? NULL : calloc(1, sizeof(*h));
	if (!h) { pthread_mutex_unlock(&mu); errno = ENOMEM; return NULL; }
	int fds[2];
	if (pipe(fds) != 0) { int err = errno; pthread_mutex_unlock(&mu); free(h); errno = err; return NULL; }
	h->ls = s; h->rfd = fds[0]; h->wfd = fds[1]; s->open++;
	handles[slot] = h;
	pthread_mutex_unlock(&mu);
	return h;
}

static int close_handle(struct handle *h)
{
	pthread_mutex_lock(&mu);
	for (int i = 1; i < used_locks; i++) {
		struct lock *l = &locks[i];
		if (l->state == FREE || l->h != h) continue;
		struct res *res = l->res;
		if (l->state != WAITING && l->grmode >= LKM_PWMODE && (l->flags & LKF_VALBLK)) res->valid = 0;
		end_lock(l);
		regrant(res);
		collect(res);
	}
	for (struct record *r = h->head, *n; r; r = n) { n = r->next; free(r); }
	for (int i = 0; i < MAX_HANDLES; i++) if (handles[i] == h) handles[i] = NULL;
	h->ls->open--;
	pthread_mutex_unlock(&mu);
	close(h->rfd); close(h->wfd);
	free(h);
	return 0;
}

static dlm_lshandle_t new_lockspace(const char *name)
{
	pthread_mutex_lock(&mu);
	struct fake_ls *s = NULL;
	for (int i = 0; i < MAX_LS && !s; i++) if (spaces[i].created && !strcmp(spaces[i].name, name)) s = &spaces[i];
	for (int i = 0; i < MAX_LS && !s; i++) if (!spaces[i].created) { s = &spaces[i]; strncpy(s->name, name, 64); s->created = 1; }
	pthread_mutex_unlock(&mu);
	if (!s) { errno = ENOMEM; return NULL; }
	return open_handle(name);
}

/* Test inspection: the flags of the last dlm_new_lockspace, the force of the last release (-1: none). */
static int last_new_flags;
static int last_release_force = -1;

int fake_last_new_flags(void) { return __atomic_load_n(&last_new_flags, __ATOMIC_SEQ_CST); }

int fake_last_release_force(void) { return __atomic_load_n(&last_release_force, __ATOMIC_SEQ_CST); }

dlm_lshandle_t dlm_new_lockspace(const char *name, mode_t mode, uint32_t flags)
{
	(void) mode;
	__atomic_store_n(&last_new_flags, (int) flags, __ATOMIC_SEQ_CST);
	return new_lockspace(name);
}

dlm_lshandle_t dlm_create_lockspace(const char *name, mode_t mode) { (void) mode; return new_lockspace(name); }

dlm_lshandle_t dlm_open_lockspace(const char *name) { return open_handle(name); }

int dlm_close_lockspace(dlm_lshandle_t ls) { return close_handle(handle_of(ls)); }

int dlm_release_lockspace(const char *name, dlm_lshandle_t ls, int force)
{
	__atomic_store_n(&last_release_force, force, __ATOMIC_SEQ_CST);
	struct fake_ls *s = handle_of(ls)->ls;
	close_handle(handle_of(ls));
	pthread_mutex_lock(&mu);
	if (s->open == 0 && !strcmp(s->name, name)) s->created = 0;
	pthread_mutex_unlock(&mu);
	return 0;
}

int dlm_ls_get_fd(dlm_lshandle_t ls) { return handle_of(ls)->rfd; }

int dlm_dispatch(int fd)
{
	char b;
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while (raw_read(fd, &b, 1) == 1) {
		pthread_mutex_lock(&mu);
		struct handle *h = NULL;
		for (int i = 0; i < MAX_HANDLES; i++) if (handles[i] && handles[i]->rfd == fd) h = handles[i];
		struct record *r = h ? h->head : NULL;
		if (r) { h->head = r->next; if (!h->head) h->tail = NULL; }
		pthread_mutex_unlock(&mu);
		if (!r) continue;
		r->lksb->sb_status = r->status; r->lksb->sb_lkid = r->lkid; r->lksb->sb_flags = (char) r->flags;
		if (r->lvb && r->lksb->sb_lvbptr) memcpy(r->lksb->sb_lvbptr, r->lvbdata, 32);
		if (r->fn) r->fn(r->arg);
		free(r);
	}
	fcntl(fd, F_SETFL, flags);
	return 0;
}

int dlm_ls_lock(dlm_lshandle_t ls, uint32_t mode, struct dlm_lksb *lksb, uint32_t flags, const void *name,
		unsigned int namelen, uint32_t parent, void (*ast)(void *), void *astarg, void (*bast)(void *), void *range)
{
	(void) parent;
	struct handle *h = handle_of(ls);
	__atomic_add_fetch(&calls_lock, 1, __ATOMIC_SEQ_CST);
	if (range) { errno = ENOSYS; return -1; }
	if ((flags & LKF_VALBLK) && !lksb->sb_lvbptr) { errno = EINVAL; return -1; }
	lksb->sb_status = EINPROG;
	if (!ast || mode > LKM_EXMODE) { errno = EINVAL; return -1; }
	if (fail_next) { errno = fail_next; fail_next = 0; return -1; }
	pthread_mutex_lock(&mu);
	struct lock *l;
	if (flags & LKF_CONVERT) {
		uint32_t id = lksb->sb_lkid;
		if (id == 0 || id >= MAX_LOCKS || locks[id].state == FREE || locks[id].h != h) { pthread_mutex_unlock(&mu); errno = ENOENT; return -1; }
		l = &locks[id];
		if (l->state != GRANTED) { pthread_mutex_unlock(&mu); errno = EBUSY; return -1; }
		l->state = CONVERTING;
	} else {
		if (namelen == 0 || namelen > DLM_RESNAME_MAXLEN) { pthread_mutex_unlock(&mu); errno = EINVAL; return -1; }
		uint32_t id = 1;
		while (id < MAX_LOCKS && locks[id].state != FREE) id++;
		if (id == MAX_LOCKS) { pthread_mutex_unlock(&mu); errno = ENOMEM; return -1; }
		if ((int) id >= used_locks) used_locks = (int) id + 1;
		l = &locks[id];
		memset(l, 0, sizeof(*l));
		struct res *res = NULL;
		for (int i = 0; i < used_res && !res; i++)
			if (resources[i] && resources[i]->ls == h->ls && resources[i]->namelen == (int) namelen && !memcmp(resources[i]->name, name, namelen)) res = resources[i];
		for (int i = 0; i < MAX_LOCKS && !res; i++)
			if (!resources[i]) { if (i >= used_res) used_res = i + 1; res = resources[i] = calloc(1, sizeof(*res)); res->ls = h->ls; memcpy(res->name, name, namelen); res->namelen = namelen; res->valid = 1; }
		l->res = res; l->h = h; l->grmode = -1; l->state = WAITING;
		lksb->sb_lkid = id;
	}
	l->rqmode = (int) mode; l->flags = flags; l->ast = ast; l->bast = bast; l->astarg = astarg; l->lksb = lksb;
	l->seq = ++seq;
	if (flags & LKF_VALBLK) memcpy(l->lvb, lksb->sb_lvbptr, 32);
	if (grantable(l, (int) mode)) {
		grant(l);
	} else if (flags & LKF_NOQUEUE) {
		struct res *res = l->res;
		queue(l, 0, EAGAIN, 0, 0);
		if (l->state == CONVERTING) l->state = GRANTED;
		else { end_lock(l); collect(res); }
	} else {
		bast_blockers(l, (int) mode);
	}
	pthread_mutex_unlock(&mu);
	return 0;
}

/* The unlock (or cancel) of both entry points; lvb is the request's value block. */
static int unlock_lock(struct handle *h, uint32_t lkid, uint32_t flags, struct dlm_lksb *lksb, void *astarg, const char *lvb)
{
	if (lkid == 0) { errno = EINVAL; return -1; }
	if (fail_next && !(flags & LKF_CANCEL)) { errno = fail_next; fail_next = 0; return -1; }
	pthread_mutex_lock(&mu);
	struct lock *l = (lkid < MAX_LOCKS) ? &locks[lkid] : NULL;
	if (!l || l->state == FREE || l->h != h) { pthread_mutex_unlock(&mu); errno = ENOENT; return -1; }
	l->lksb = lksb;
	if (astarg) l->astarg = astarg;
	struct res *res = l->res;
	if (flags & LKF_CANCEL) {
		if (l->state == WAITING) { queue(l, 0, ECANCEL, 0, 0); end_lock(l); regrant(res); collect(res); }
		else if (l->state == CONVERTING) { l->state = GRANTED; queue(l, 0, ECANCEL, 0, 0); regrant(res); }
		pthread_mutex_unlock(&mu);
		return 0;
	}
	if (l->state != GRANTED) { pthread_mutex_unlock(&mu); errno = EBUSY; return -1; }
	memcpy(l->lvb, lvb, 32);
	if (l->grmode >= LKM_PWMODE && (l->flags & LKF_IVVALBLK)) res->valid = 0;
	else if (l->grmode >= LKM_PWMODE && (l->flags & LKF_VALBLK)) { memcpy(res->lvb, l->lvb, 32); res->valid = 1; }
	queue(l, 0, EUNLOCK, 0, 0);
	end_lock(l);
	regrant(res);
	collect(res);
	pthread_mutex_unlock(&mu);
	return 0;
}

int dlm_ls_unlock(dlm_lshandle_t ls, uint32_t lkid, uint32_t flags, struct dlm_lksb *lksb, void *astarg)
{
	char garbage[32];
	memset(garbage, 0xEE, sizeof(garbage));
	__atomic_add_fetch(&calls_unlock, 1, __ATOMIC_SEQ_CST);
	if (lkid != 0) lksb->sb_status = EINPROG;
	return unlock_lock(handle_of(ls), lkid, flags, lksb, astarg, garbage);
}

/* The kernel device's write(), for the descriptors this library handed out. */
ssize_t write(int fd, const void *buf, size_t count)
{
	struct handle *h = NULL;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < MAX_HANDLES; i++) if (handles[i] && handles[i]->rfd == fd) h = handles[i];
	pthread_mutex_unlock(&mu);
	if (!h) return raw_write(fd, buf, count);
	__atomic_add_fetch(&calls_write, 1, __ATOMIC_SEQ_CST);
	const struct dev_write_request *req = buf;
	if (count < sizeof(*req) || count > sizeof(*req) + DLM_RESNAME_MAXLEN) { errno = EINVAL; return -1; }
	if (req->version[0] != DEV_MAJOR || req->version[1] > DEV_MINOR) { errno = EBADE; return -1; }
	if (req->is64bit != 1 || req->cmd != DEV_USER_UNLOCK) { errno = EINVAL; return -1; }
	return unlock_lock(h, req->i.lock.lkid, req->i.lock.flags, req->i.lock.lksb, req->i.lock.castparam, req->i.lock.lvb);
}

/* The kernel device's read(), for the descriptors this library handed out. */
ssize_t read(int fd, void *buf, size_t count)
{
	struct handle *h = NULL;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < MAX_HANDLES; i++) if (handles[i] && handles[i]->rfd == fd) h = handles[i];
	pthread_mutex_unlock(&mu);
	if (!h) return raw_read(fd, buf, count);
	if (count < sizeof(struct dev_lock_result)) { errno = EINVAL; return -1; }
	char b;
	ssize_t n = raw_read(fd, &b, 1);
	if (n < 0) return -1;
	if (n == 0) { errno = EAGAIN; return -1; }
	pthread_mutex_lock(&mu);
	struct record *r = h->head;
	if (r) { h->head = r->next; if (!h->head) h->tail = NULL; }
	pthread_mutex_unlock(&mu);
	if (!r) { errno = EAGAIN; return -1; }
	struct dev_lock_result *res = buf;
	memset(res, 0, sizeof(*res));
	res->version[0] = DEV_MAJOR; res->version[1] = DEV_MINOR; res->version[2] = 2;
	res->user_astaddr = (void *) r->fn; res->user_astparam = r->arg; res->user_lksb = r->lksb;
	res->lksb.sb_status = -r->status; res->lksb.sb_lkid = r->lkid; res->lksb.sb_flags = (char) r->flags;
	res->bast_mode = (uint8_t) r->bastmode;
	size_t len = sizeof(*res);
	if (r->lvb && count >= len + 32) { memcpy((char *) buf + len, r->lvbdata, 32); res->lvb_offset = (uint32_t) len; len += 32; }
	res->length = (uint32_t) len;
	free(r);
	return (ssize_t) len;
}

int dlm_ls_deadlock_cancel(dlm_lshandle_t ls, uint32_t lkid, uint32_t flags) { (void) ls; (void) lkid; (void) flags; errno = ENOSYS; return -1; }
int dlm_ls_purge(dlm_lshandle_t ls, int nodeid, int pid) { (void) ls; (void) nodeid; (void) pid; return 0; }
int dlm_kernel_version(uint32_t *maj, uint32_t *min, uint32_t *patch) { *maj = 6; *min = 0; *patch = 2; return 0; }
void dlm_library_version(uint32_t *maj, uint32_t *min, uint32_t *patch) { *maj = 6; *min = 0; *patch = 2; }

/* Test control: 1 = queue completions without waking poll(), 0 = wake for everything queued. */
void fake_hold_callbacks(int on)
{
	pthread_mutex_lock(&mu);
	hold = on;
	if (!on) {
		for (int i = 0; i < MAX_HANDLES; i++) {
			struct handle *h = handles[i];
			while (h && h->unsignalled > 0) { h->unsignalled--; signal_handle(h); }
		}
	}
	pthread_mutex_unlock(&mu);
}

/* Test control: the next lock or unlock call is refused with this errno. */
void fake_fail_next(int err) { fail_next = err; }

/* Test inspection: number of live locks and a resource's value block. */
int fake_live_locks(void)
{
	int n = 0;
	pthread_mutex_lock(&mu);
	for (int i = 1; i < used_locks; i++) if (locks[i].state != FREE) n++;
	pthread_mutex_unlock(&mu);
	return n;
}

/* Test inspection: calls of dlm_ls_lock (0), dlm_ls_unlock (1) and device writes (2) so far. */
int fake_calls(int which)
{
	int *counter = (which == 0) ? &calls_lock : (which == 1) ? &calls_unlock : &calls_write;
	return __atomic_load_n(counter, __ATOMIC_SEQ_CST);
}
