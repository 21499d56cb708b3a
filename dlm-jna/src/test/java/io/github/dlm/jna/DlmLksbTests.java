package io.github.dlm.jna;

import java.util.Arrays;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status block's native memory as libdlm sees it: fields at the C offsets, the value
 * block pointer aimed at the separate 32-byte buffer, and explicit reads only.
 */
class DlmLksbTests {

	@Test
	void valueBlockPointerAimsAtItsOwnBuffer() {
		DlmLksb lksb = new DlmLksb();
		try {
			Pointer block = lksb.address();
			Pointer lvb = block.getPointer(16);
			assertThat(Pointer.nativeValue(lvb)).isNotZero();
			byte[] bytes = new byte[32];
			Arrays.fill(bytes, (byte) 7);
			lksb.writeValueBlock(bytes);
			assertThat(lvb.getByteArray(0, 32)).isEqualTo(bytes);
		}
		finally {
			lksb.free();
		}
	}

	@Test
	void readsWhatNativeCodeWroteAtTheCOffsets() {
		DlmLksb lksb = new DlmLksb();
		try {
			lksb.prepare(0x1234);
			Pointer block = lksb.address();
			assertThat(block.getInt(4)).isEqualTo(0x1234);
			// What dlm_dispatch does: copy status, lkid and flags, then fill the value block.
			block.setInt(0, LibDlm.EUNLOCK);
			block.setInt(4, 0xfedcba98);
			block.setByte(8, (byte) (LibDlm.DLM_SBF_VALNOTVALID | LibDlm.DLM_SBF_ALTMODE));
			block.getPointer(16).setByte(31, (byte) 0x5a);
			assertThat(lksb.readStatus()).isEqualTo(LibDlm.EUNLOCK);
			assertThat(lksb.readLkid()).isEqualTo(0xfedcba98);
			assertThat(lksb.readFlags()).isEqualTo(0x06);
			assertThat(lksb.readValueBlock()[31]).isEqualTo((byte) 0x5a);
		}
		finally {
			lksb.free();
		}
	}

	@Test
	void prepareKeepsTheValueBlockAndClearsTheRest() {
		DlmLksb lksb = new DlmLksb();
		try {
			byte[] bytes = new byte[32];
			bytes[0] = 42;
			lksb.writeValueBlock(bytes);
			lksb.address().setInt(0, 11);
			lksb.address().setByte(8, (byte) 1);
			lksb.prepare(9);
			assertThat(lksb.address().getInt(0)).isZero();
			assertThat(lksb.address().getInt(4)).isEqualTo(9);
			assertThat(lksb.address().getByte(8)).isZero();
			assertThat(lksb.readValueBlock()[0]).isEqualTo((byte) 42);
		}
		finally {
			lksb.free();
		}
	}

	@Test
	void unlockRequestCarriesTheLockTheStatusBlockTheArgumentAndTheValueBlock() {
		DlmLksb lksb = new DlmLksb();
		try {
			byte[] bytes = new byte[32];
			Arrays.fill(bytes, (byte) 0x3c);
			Pointer request = lksb.prepareUnlock(0x1234, new Pointer(77), bytes);
			assertThat(lksb.readStatus()).isEqualTo(LibDlm.EINPROG);
			assertThat(request.getIntArray(0, 3)).containsExactly(6, 0, 2);
			assertThat(request.getByte(12)).as("cmd").isEqualTo((byte) LibDlm.DLM_USER_UNLOCK);
			assertThat(request.getByte(13)).as("is64bit").isEqualTo((byte) 1);
			assertThat(request.getInt(20)).as("flags").isZero();
			assertThat(request.getInt(24)).as("lkid").isEqualTo(0x1234);
			assertThat(Pointer.nativeValue(request.getPointer(48))).as("castparam").isEqualTo(77);
			assertThat(request.getPointer(56)).as("castaddr: the lock keeps its completion function").isNull();
			assertThat(request.getPointer(80)).as("lksb").isEqualTo(lksb.address());
			assertThat(request.getByteArray(88, 32)).isEqualTo(bytes);
		}
		finally {
			lksb.free();
		}
	}

	@Test
	void freeIsIdempotent() {
		DlmLksb lksb = new DlmLksb();
		lksb.free();
		lksb.free();
		assertThat(lksb.isFreed()).isTrue();
	}

}
