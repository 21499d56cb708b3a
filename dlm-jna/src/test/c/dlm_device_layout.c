/*
 * Prints the layout of struct dlm_write_request (the unlock request the native backend
 * writes itself, DlmUnlockRequest), of struct dlm_lock_result (what it reads, DlmLockResult),
 * the fcntl constants it makes the descriptor non-blocking with, and the device constants of linux/dlm_device.h as
 * "name=value" lines, for LibDlmLayoutTests. A file of its own: the kernel header defines
 * struct dlm_lksb too, which clashes with libdlm.h.
 *   gcc -o dlm_device_layout dlm_device_layout.c
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/dlm_device.h>

#define SHOW(name) printf("%s=%ld\n", #name, (long) (name))
#define RESULT(member) printf("result.offsetof.%s=%zu\nresult.sizeof.%s=%zu\n", #member, \
	offsetof(struct dlm_lock_result, member), #member, sizeof(((struct dlm_lock_result *) 0)->member))
#define FIELD(member) printf("offsetof.%s=%zu\nsizeof.%s=%zu\n", #member, offsetof(struct dlm_write_request, member), \
	#member, sizeof(((struct dlm_write_request *) 0)->member))

int main(void)
{
	printf("sizeof.dlm_write_request=%zu\n", sizeof(struct dlm_write_request));
	FIELD(version); FIELD(cmd); FIELD(is64bit);
	FIELD(i.lock.mode); FIELD(i.lock.namelen); FIELD(i.lock.flags); FIELD(i.lock.lkid); FIELD(i.lock.parent);
	FIELD(i.lock.xid); FIELD(i.lock.timeout); FIELD(i.lock.castparam); FIELD(i.lock.castaddr);
	FIELD(i.lock.bastparam); FIELD(i.lock.bastaddr); FIELD(i.lock.lksb); FIELD(i.lock.lvb);
	printf("offsetof.i.lock.name=%zu\n", offsetof(struct dlm_write_request, i.lock.name));
	printf("sizeof.dlm_lock_result=%zu\n", sizeof(struct dlm_lock_result));
	RESULT(version); RESULT(length); RESULT(user_astaddr); RESULT(user_astparam); RESULT(user_lksb); RESULT(lksb);
	RESULT(lksb.sb_status); RESULT(lksb.sb_lkid); RESULT(lksb.sb_flags); RESULT(bast_mode); RESULT(lvb_offset);
	SHOW(O_NONBLOCK); SHOW(F_GETFL); SHOW(F_SETFL);
	SHOW(DLM_DEVICE_VERSION_MAJOR); SHOW(DLM_DEVICE_VERSION_MINOR); SHOW(DLM_DEVICE_VERSION_PATCH);
	SHOW(DLM_USER_UNLOCK); SHOW(DLM_USER_LVB_LEN);
	return 0;
}
