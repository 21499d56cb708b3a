package io.github.dlm.core;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link DlmResourceName}.
 */
class DlmResourceNameTests {

	@Test
	void textIsNamedByItsUtf8Bytes() {
		DlmResourceName name = DlmResourceName.of("ordre-é");
		assertThat(name.toBytes()).isEqualTo("ordre-é".getBytes(StandardCharsets.UTF_8));
		assertThat(name.length()).isEqualTo(8);
		assertThat(DlmResourceName.of("order-42")).hasToString("order-42");
	}

	@Test
	void bytesAreCopiedInAndOut() {
		byte[] bytes = { 'a', 'b' };
		DlmResourceName name = DlmResourceName.of(bytes);
		bytes[0] = 'x';
		name.toBytes()[1] = 'y';
		assertThat(name.toBytes()).containsExactly('a', 'b');
	}

	@Test
	void equalContentMakesEqualNames() {
		DlmResourceName text = DlmResourceName.of("r1");
		DlmResourceName bytes = DlmResourceName.of(new byte[] { 'r', '1' });
		assertThat(text).isEqualTo(bytes).hasSameHashCodeAs(bytes).isNotEqualTo(DlmResourceName.of("r2"));
	}

	@Test
	void binaryNamesArePrintedInHex() {
		assertThat(DlmResourceName.of(new byte[] { 0, 1, (byte) 0xff })).hasToString("0x0001ff");
		assertThat(DlmResourceName.printable("a\tb".getBytes(StandardCharsets.UTF_8))).isEqualTo("0x610962");
		assertThat(DlmResourceName.of("café-ü")).hasToString("café-ü");
		assertThat(DlmResourceName.printable(new byte[] { 'a', (byte) 0xc3 })).isEqualTo("0x61c3");
	}

	@Test
	void lengthIsOneToSixtyFourBytes() {
		assertThat(DlmResourceName.of(new byte[64]).length()).isEqualTo(64);
		assertThatIllegalArgumentException().isThrownBy(() -> DlmResourceName.of(new byte[0]))
			.withMessageContaining("must not be null or empty");
		assertThatIllegalArgumentException().isThrownBy(() -> DlmResourceName.of(""));
		assertThatIllegalArgumentException().isThrownBy(() -> DlmResourceName.of((String) null));
		assertThatIllegalArgumentException().isThrownBy(() -> DlmResourceName.of((byte[]) null));
		assertThatIllegalArgumentException().isThrownBy(() -> DlmResourceName.of(new byte[65]))
			.withMessage("DLM resource name is 65 bytes long; the limit is 64 bytes (DLM_RESNAME_MAXLEN)");
		assertThatIllegalArgumentException().isThrownBy(() -> DlmResourceName.of("é".repeat(33)))
			.withMessageContaining("66 bytes");
	}

}
