package io.github.dlm.jna;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmNames;
import io.github.dlm.core.DlmStatus;
import io.github.dlm.core.DlmStatusFlag;
import io.github.dlm.core.Errno;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares the JNA mapping with what gcc makes of the installed {@code libdlm.h} and
 * {@code linux/dlm_device.h}: the layout of {@code struct dlm_lksb} and of the unlock
 * request ({@code struct dlm_write_request}), and every constant the binding and the core
 * enums use, and the errno values and {@code struct pollfd} of the C library.
 */
class LibDlmLayoutTests {

	private static Map<String, Long> c;

	@BeforeAll
	static void compileProbe() throws Exception {
		c = new LinkedHashMap<>(NativeTestSupport.runForValues(NativeTestSupport.compile("dlm_layout.c", "dlm_layout")));
		c.putAll(NativeTestSupport.runForValues(NativeTestSupport.compile("dlm_device_layout.c", "dlm_device_layout")));
	}

	@Test
	void unlockRequestLayoutMatchesTheKernelHeader() {
		assertThat((long) DlmUnlockRequest.SIZE).isEqualTo(c.get("sizeof.dlm_write_request"));
		String[] fields = { "version", "cmd", "is64bit", "i.lock.mode", "i.lock.namelen", "i.lock.flags", "i.lock.lkid",
				"i.lock.parent", "i.lock.xid", "i.lock.timeout", "i.lock.castparam", "i.lock.castaddr",
				"i.lock.bastparam", "i.lock.bastaddr", "i.lock.lksb", "i.lock.lvb" };
		for (String field : fields) {
			assertThat((long) DlmUnlockRequest.offsetOf(field)).as("offset of %s", field)
				.isEqualTo(c.get("offsetof." + field));
		}
		assertThat(c.get("sizeof.version")).isEqualTo(3L * Integer.BYTES);
		assertThat(c.get("sizeof.cmd")).isEqualTo(Byte.BYTES);
		assertThat(c.get("sizeof.is64bit")).isEqualTo(Byte.BYTES);
		assertThat(c.get("sizeof.i.lock.flags")).isEqualTo(Integer.BYTES);
		assertThat(c.get("sizeof.i.lock.lkid")).isEqualTo(Integer.BYTES);
		for (String pointer : new String[] { "castparam", "castaddr", "bastparam", "bastaddr", "lksb" }) {
			assertThat(c.get("sizeof.i.lock." + pointer)).as(pointer).isEqualTo((long) com.sun.jna.Native.POINTER_SIZE);
		}
		assertThat(c.get("sizeof.i.lock.lvb")).isEqualTo(c.get("DLM_USER_LVB_LEN")).isEqualTo(LibDlm.DLM_LVB_LEN);
		assertThat(c.get("offsetof.i.lock.name")).as("an unlock carries no name: the request is the whole struct")
			.isEqualTo(DlmUnlockRequest.SIZE);
	}

	@Test
	void lockResultLayoutMatchesTheKernelHeader() {
		assertThat((long) DlmLockResult.SIZE).isEqualTo(c.get("sizeof.dlm_lock_result"));
		String[] fields = { "version", "length", "user_astaddr", "user_astparam", "user_lksb", "lksb",
				"lksb.sb_status", "lksb.sb_lkid", "lksb.sb_flags", "bast_mode", "lvb_offset" };
		for (String field : fields) {
			assertThat((long) DlmLockResult.offsetOf(field)).as("offset of %s", field)
				.isEqualTo(c.get("result.offsetof." + field));
		}
		assertThat(c.get("result.sizeof.user_astparam")).isEqualTo((long) com.sun.jna.Native.POINTER_SIZE);
		assertThat(c.get("result.sizeof.lksb.sb_status")).isEqualTo(Integer.BYTES);
		assertThat(c.get("result.sizeof.lksb.sb_lkid")).isEqualTo(Integer.BYTES);
		assertThat(c.get("result.sizeof.lksb.sb_flags")).isEqualTo(Byte.BYTES);
		assertThat(c.get("result.sizeof.bast_mode")).isEqualTo(Byte.BYTES);
		assertThat(c.get("result.sizeof.lvb_offset")).isEqualTo(Integer.BYTES);
		assertThat((long) DlmLockResult.MAX_READ).as("a result and the value block behind it")
			.isEqualTo(c.get("sizeof.dlm_lock_result") + c.get("DLM_USER_LVB_LEN"));
		assertThat((long) DlmLksb.ALLOCATION).as("a lent buffer holds a read and a struct pollfd behind it")
			.isGreaterThanOrEqualTo(DlmLockResult.MAX_READ + c.get("sizeof.pollfd"));
	}

	@Test
	void fcntlConstantsMatchTheSystemHeaders() {
		assertThat((long) LibC.O_NONBLOCK).isEqualTo(c.get("O_NONBLOCK"));
		assertThat((long) LibC.F_GETFL).isEqualTo(c.get("F_GETFL"));
		assertThat((long) LibC.F_SETFL).isEqualTo(c.get("F_SETFL"));
	}

	@Test
	void lksbLayoutMatchesTheHeader() {
		DlmLksb lksb = new DlmLksb();
		try {
			assertThat((long) lksb.size()).isEqualTo(c.get("sizeof.dlm_lksb")).isEqualTo(DlmLksb.SIZE);
			for (String field : new String[] { "sb_status", "sb_lkid", "sb_flags", "sb_lvbptr" }) {
				assertThat((long) lksb.offsetOf(field)).as("offset of %s", field).isEqualTo(c.get("offsetof." + field));
			}
			assertThat(c.get("sizeof.sb_status")).isEqualTo(Integer.BYTES);
			assertThat(c.get("sizeof.sb_lkid")).isEqualTo(Integer.BYTES);
			assertThat(c.get("sizeof.sb_flags")).isEqualTo(Byte.BYTES);
			assertThat(c.get("sizeof.sb_lvbptr")).isEqualTo((long) com.sun.jna.Native.POINTER_SIZE);
			assertThat(c.get("sizeof.mode_t")).as("mode_t is mapped to int").isEqualTo(Integer.BYTES);
		}
		finally {
			lksb.free();
		}
	}

	@Test
	void everyLibDlmConstantMatchesTheHeader() throws Exception {
		int compared = 0;
		for (Field field : LibDlm.class.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
				assertThat(c).as("libdlm.h defines %s", field.getName()).containsKey(field.getName());
				assertThat((long) field.getInt(null)).as(field.getName()).isEqualTo(c.get(field.getName()));
				compared++;
			}
		}
		assertThat(compared).isGreaterThanOrEqualTo(35);
	}

	@Test
	void coreModesMatchTheHeader() {
		for (DlmMode mode : DlmMode.values()) {
			assertThat((long) mode.nativeValue()).as(mode.name()).isEqualTo(c.get("LKM_" + mode.name() + "MODE"));
		}
	}

	@Test
	void coreFlagsMatchTheHeader() {
		for (DlmFlag flag : DlmFlag.values()) {
			assertThat((long) flag.bits()).as(flag.name()).isEqualTo(c.get("LKF_" + flag.name()));
		}
	}

	@Test
	void coreStatusesMatchTheHeader() {
		assertThat(DlmLksb.statusOf(0)).isEqualTo(DlmStatus.GRANTED);
		assertThat(DlmLksb.statusOf(c.get("EAGAIN").intValue())).isEqualTo(DlmStatus.NOT_GRANTED);
		assertThat(DlmLksb.statusOf(c.get("EDEADLK").intValue())).isEqualTo(DlmStatus.DEADLOCK);
		assertThat(DlmLksb.statusOf(c.get("ECANCEL").intValue())).isEqualTo(DlmStatus.CANCELLED);
		assertThat(DlmLksb.statusOf(c.get("EUNLOCK").intValue())).isEqualTo(DlmStatus.UNLOCKED);
	}

	@Test
	void errnoValuesMatchTheSystemHeaders() throws Exception {
		int compared = 0;
		for (Field field : Errno.class.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
				assertThat(c).as("errno.h defines %s", field.getName()).containsKey(field.getName());
				assertThat((long) field.getInt(null)).as(field.getName()).isEqualTo(c.get(field.getName()));
				compared++;
			}
		}
		assertThat(compared).isGreaterThanOrEqualTo(13);
	}

	@Test
	void pollMappingMatchesTheSystemHeaders() {
		assertThat((long) LibC.POLLIN).isEqualTo(c.get("POLLIN"));
		assertThat((long) LibC.POLLFD_SIZE).isEqualTo(c.get("sizeof.pollfd"));
		assertThat((long) LibC.POLLFD_EVENTS).isEqualTo(c.get("offsetof.pollfd.events"));
		assertThat((long) LibC.POLLFD_REVENTS).isEqualTo(c.get("offsetof.pollfd.revents"));
	}

	@Test
	void coreStatusFlagsAndSizesMatchTheHeader() {
		for (DlmStatusFlag flag : DlmStatusFlag.values()) {
			assertThat((long) flag.bits()).as(flag.name()).isEqualTo(c.get("DLM_SBF_" + flag.name()));
		}
		assertThat((long) DlmCompletion.VALUE_BLOCK_LENGTH).isEqualTo(c.get("DLM_LVB_LEN"));
		assertThat((long) DlmNames.MAX_RESOURCE_NAME_LENGTH).isEqualTo(c.get("DLM_RESNAME_MAXLEN"));
		assertThat((long) DlmNames.MAX_LOCKSPACE_NAME_LENGTH).isLessThanOrEqualTo(c.get("DLM_LOCKSPACE_LEN"));
	}

}
