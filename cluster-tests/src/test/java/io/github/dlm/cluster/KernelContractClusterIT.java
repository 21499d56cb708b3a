package io.github.dlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.console.ConsoleLauncher;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend contract suite ({@code io.github.dlm.contract.DlmBackendContractTests}, as
 * {@code io.github.dlm.cluster.node.KernelBackendContractTests}) run inside a node against the real
 * kernel DLM, through the JUnit console launcher. Fails listing every contract test that
 * failed there; a suite that ran nothing (for example because the DLM probe failed in the
 * node) fails too.
 */
@ExtendWith(ClusterExtension.class)
class KernelContractClusterIT {

	private static final String CONTRACT = "io.github.dlm.cluster.node.KernelBackendContractTests";

	/** The suite prints each test as it ends: a test taking this long without output hangs. */
	private static final Duration STALL = Duration.ofMinutes(5);

	/** The whole suite (≈ 6 min on a quiet host) at most. */
	private static final Duration CAP = Duration.ofMinutes(30);

	@Test
	void backendContractHoldsOnTheKernelDlm(VmCluster cluster) throws Exception {
		Path run = cluster.newRunDirectory("contract");
		NodeProcess suite = cluster.start(1, "cd /tmp && " + cluster.javaCommand(ConsoleLauncher.class, "execute",
				"--select-class", CONTRACT, "--details=tree", "--disable-banner", "--disable-ansi-colors",
				"--reports-dir=" + cluster.guestPath(run)), CAP.plusMinutes(1));
		CommandResult result;
		try {
			result = ProgressDeadline.of("the contract suite in node 1", STALL, CAP)
				.polling(Duration.ofSeconds(2))
				.awaitValue(suite.progress(), () -> suite.isDone() ? suite.await() : null);
		}
		finally {
			suite.cancel();
		}
		System.out.println(result.stdout());
		Path report;
		try (Stream<Path> files = Files.list(run)) {
			report = files.filter((file) -> file.getFileName().toString().startsWith("TEST-"))
				.findFirst()
				.orElse(null);
		}
		assertThat(report).as("JUnit XML report of the run in the node: %s", result.describe()).isNotNull();
		Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
		NodeList cases = document.getElementsByTagName("testcase");
		List<String> failed = new ArrayList<>();
		int skipped = 0;
		for (int i = 0; i < cases.getLength(); i++) {
			Element testCase = (Element) cases.item(i);
			if (testCase.getElementsByTagName("skipped").getLength() > 0) {
				skipped++;
			}
			for (String problem : new String[] { "failure", "error" }) {
				NodeList problems = testCase.getElementsByTagName(problem);
				if (problems.getLength() > 0) {
					String message = ((Element) problems.item(0)).getAttribute("message");
					failed.add(testCase.getAttribute("name") + ": "
							+ message.lines().findFirst().orElse("(no message)"));
				}
			}
		}
		System.out.printf("kernel contract: %d tests, %d failed, %d skipped%n", cases.getLength(), failed.size(),
				skipped);
		assertThat(cases.getLength() - skipped).as("contract tests that ran in the node (%s)", result.describe())
			.isGreaterThan(50);
		assertThat(failed).as("contract tests failing on the kernel DLM").isEmpty();
		assertThat(result.exitCode()).as(result.describe()).isZero();
	}

}
