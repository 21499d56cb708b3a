/*
 * Prints the layout of struct dlm_lksb and struct pollfd, the constants of libdlm.h and
 * the errno values the binding uses as "name=value"
 * lines, for LibDlmLayoutTests to compare with the JNA mapping. Compiled by the test:
 *   gcc -D_REENTRANT -o dlm_layout dlm_layout.c
 * (libdlm.h uses mode_t without including <sys/types.h>, hence the include order.)
 */
#include <sys/types.h>
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <libdlm.h>

#define SHOW(name) printf("%s=%ld\n", #name, (long) (name))

int main(void)
{
	printf("sizeof.dlm_lksb=%zu\n", sizeof(struct dlm_lksb));
	printf("offsetof.sb_status=%zu\n", offsetof(struct dlm_lksb, sb_status));
	printf("offsetof.sb_lkid=%zu\n", offsetof(struct dlm_lksb, sb_lkid));
	printf("offsetof.sb_flags=%zu\n", offsetof(struct dlm_lksb, sb_flags));
	printf("offsetof.sb_lvbptr=%zu\n", offsetof(struct dlm_lksb, sb_lvbptr));
	printf("sizeof.sb_status=%zu\n", sizeof(((struct dlm_lksb *) 0)->sb_status));
	printf("sizeof.sb_lkid=%zu\n", sizeof(((struct dlm_lksb *) 0)->sb_lkid));
	printf("sizeof.sb_flags=%zu\n", sizeof(((struct dlm_lksb *) 0)->sb_flags));
	printf("sizeof.sb_lvbptr=%zu\n", sizeof(((struct dlm_lksb *) 0)->sb_lvbptr));
	printf("sizeof.mode_t=%zu\n", sizeof(mode_t));
	SHOW(LKM_NLMODE); SHOW(LKM_CRMODE); SHOW(LKM_CWMODE);
	SHOW(LKM_PRMODE); SHOW(LKM_PWMODE); SHOW(LKM_EXMODE);
	SHOW(LKF_NOQUEUE); SHOW(LKF_CANCEL); SHOW(LKF_CONVERT); SHOW(LKF_VALBLK);
	SHOW(LKF_QUECVT); SHOW(LKF_IVVALBLK); SHOW(LKF_CONVDEADLK); SHOW(LKF_PERSISTENT);
	SHOW(LKF_NODLCKWT); SHOW(LKF_NODLCKBLK); SHOW(LKF_EXPEDITE); SHOW(LKF_NOQUEUEBAST);
	SHOW(LKF_HEADQUE); SHOW(LKF_NOORDER); SHOW(LKF_ORPHAN); SHOW(LKF_ALTPR);
	SHOW(LKF_ALTCW); SHOW(LKF_FORCEUNLOCK); SHOW(LKF_TIMEOUT);
	printf("LKF_WAIT=%ld\n", (long) (int) LKF_WAIT);
	SHOW(ECANCEL); SHOW(EUNLOCK); SHOW(EINPROG);
	SHOW(DLM_SBF_DEMOTED); SHOW(DLM_SBF_VALNOTVALID); SHOW(DLM_SBF_ALTMODE);
	SHOW(DLM_LSFL_NEWEXCL);
	SHOW(DLM_LVB_LEN); SHOW(DLM_RESNAME_MAXLEN); SHOW(DLM_LOCKSPACE_LEN);
	SHOW(EPERM); SHOW(ENOENT); SHOW(EINTR); SHOW(EAGAIN); SHOW(ENOMEM); SHOW(EACCES);
	SHOW(EBUSY); SHOW(EEXIST); SHOW(EINVAL); SHOW(EDEADLK); SHOW(EUNATCH);
	SHOW(EADDRNOTAVAIL); SHOW(EINPROGRESS);
	SHOW(POLLIN);
	printf("sizeof.pollfd=%zu\n", sizeof(struct pollfd));
	printf("offsetof.pollfd.events=%zu\n", offsetof(struct pollfd, events));
	printf("offsetof.pollfd.revents=%zu\n", offsetof(struct pollfd, revents));
	return 0;
}
