package io.github.dlm.cluster.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

import io.github.dlm.aop.DlmLocked;
import io.github.dlm.aop.DlmLocked.IfNotAcquired;
import io.github.dlm.aop.DlmLockedAdvisor;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;
import io.github.dlm.lock.DlmLockRegistries;

/**
 * A scheduled job guarded by {@code @DlmLocked(minInterval = "30s")} in a plain Spring
 * context (no Boot): the library's advisor, a class-based proxy and the native backend, as
 * an application on one node of a cluster would have them. The host plays the timers.
 * <p>
 * {@code job RUNDIR NAME LOCKSPACE}: starts the context with NAME as the node name, calls
 * the job once under another key (so that the first timed call is not the JVM's first),
 * writes {@code RUNDIR/ready-NAME}, then for its timer's k-th firing, k = 1, 2, ..., waits
 * for {@code RUNDIR/fire-k-NAME} (or {@code exit-NAME}, which ends the program), calls the
 * job and writes {@code fired-k-NAME}: {@code ran} or {@code skipped}. The job writes its
 * start (epoch ms by this node's clock) to {@code RUNDIR/run-k-NAME} and takes 200 ms.
 */
public final class ScheduledJobNode {

	private ScheduledJobNode() {
	}

	/**
	 * Entry point.
	 * @param args {@code job RUNDIR NAME LOCKSPACE}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 4 || !args[0].equals("job")) {
			System.err.println("usage: ScheduledJobNode job RUNDIR NAME LOCKSPACE");
			System.exit(2);
		}
		Path runDir = Path.of(args[1]);
		String name = args[2];
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.registerBean(DlmClient.class, () -> new NativeDlmClient());
			context.registerBean(Settings.class, () -> new Settings(args[3], name));
			context.register(Config.class);
			context.refresh();
			Job job = context.getBean(Job.class);
			job.run(runDir, "warmup-" + name, 0);
			write(runDir, "ready-" + name, "ready");
			for (int round = 1;; round++) {
				Path fire = runDir.resolve("fire-" + round + "-" + name);
				Path exit = runDir.resolve("exit-" + name);
				while (!Files.exists(fire) && !Files.exists(exit)) {
					TimeUnit.MILLISECONDS.sleep(100);
				}
				if (!Files.exists(fire)) {
					break;
				}
				String outcome = job.run(runDir, "job", round);
				write(runDir, "fired-" + round + "-" + name, (outcome != null) ? outcome : "skipped");
				System.out.println("ROUND " + round + " " + ((outcome != null) ? outcome : "skipped"));
			}
		}
		System.out.println("JOB DONE");
	}

	private static void write(Path runDir, String file, String content) throws Exception {
		Path temporary = runDir.resolve("." + file);
		Files.writeString(temporary, content + "\n");
		Files.move(temporary, runDir.resolve(file));
	}

	/** The application: the registries, the {@code @DlmLocked} advisor and the job. */
	@Configuration(proxyBeanMethods = false)
	public static class Config {

		/**
		 * @param client the native backend
		 * @param settings the lockspace
		 * @return the registries, released on close
		 */
		@Bean(destroyMethod = "close")
		public DlmLockRegistries dlmLockRegistries(DlmClient client, Settings settings) {
			return new DlmLockRegistries(client, settings.lockspace(), LockspaceOptions.DEFAULTS, DlmMode.EX);
		}

		/**
		 * @param registries the registries
		 * @param settings this node's name in the run records
		 * @return the advisor that runs {@code @DlmLocked} methods under their lock
		 */
		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		public static DlmLockedAdvisor dlmLockedAdvisor(ObjectProvider<DlmLockRegistries> registries,
				ObjectProvider<Settings> settings) {
			DlmLockedAdvisor advisor = new DlmLockedAdvisor(registries::getObject);
			advisor.setNodeName(settings.getObject().nodeName());
			return advisor;
		}

		/** @return class-based proxies for every bean an advisor applies to */
		@Bean
		public static DefaultAdvisorAutoProxyCreator autoProxyCreator() {
			DefaultAdvisorAutoProxyCreator creator = new DefaultAdvisorAutoProxyCreator();
			creator.setProxyTargetClass(true);
			return creator;
		}

		/**
		 * @param settings this node's name
		 * @return the job
		 */
		@Bean
		public Job job(Settings settings) {
			return new Job(settings.nodeName());
		}

	}

	/**
	 * What the command line sets.
	 * @param lockspace the lockspace
	 * @param nodeName this node's name
	 */
	public record Settings(String lockspace, String nodeName) {
	}

	/** The job: short, and skipped on every node within 30 s of its last start on any node. */
	public static class Job {

		private final String nodeName;

		/**
		 * @param nodeName this node's name, for the log of runs
		 */
		public Job(String nodeName) {
			this.nodeName = nodeName;
		}

		/**
		 * Runs the job once, unless it ran less than 30 s ago or runs elsewhere now.
		 * @param runDir where the runs are logged
		 * @param key the job's lock key
		 * @param round the timer's firing on this node
		 * @return {@code "ran"}, or {@code null} when skipped
		 * @throws Exception if the log cannot be written
		 */
		@DlmLocked(key = "#key", waitTime = "0", ifNotAcquired = IfNotAcquired.SKIP, minInterval = "30s")
		public String run(Path runDir, String key, int round) throws Exception {
			Files.writeString(runDir.resolve("run-" + round + "-" + this.nodeName), System.currentTimeMillis() + "\n",
					StandardOpenOption.CREATE_NEW, StandardOpenOption.SYNC);
			TimeUnit.MILLISECONDS.sleep(200);
			return "ran";
		}

	}

}
