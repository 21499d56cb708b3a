package io.github.dlm.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample's page in a real headless browser (Debian's chromium, driven through Debian's
 * chromedriver): a booking from the seat map, and a race of customers for one seat that the
 * DLM lock lets only one win. A screenshot of the page is kept with the test reports.
 * Skipped, saying why, where chromium is not installed (scripts/install-native-deps.sh
 * installs it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.work-delay=50ms")
class SamplePageBrowserTests {

	private static final File CHROMIUM = new File("/usr/bin/chromium");

	private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static WebDriver browser;

	@LocalServerPort
	private int port;

	@Autowired
	private EventStore store;

	@BeforeAll
	static void startBrowser() {
		assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
				"Debian's chromium and chromium-driver are not installed; scripts/install-native-deps.sh installs them");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=1100,900");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build();
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void bookingFromTheSeatMapAndARaceForOneSeatThatOnlyOneWins() throws IOException {
		browser.get("http://localhost:" + this.port + "/");
		WebDriverWait wait = new WebDriverWait(browser, TIMEOUT);
		WebElement event = browser.findElement(By.id("event"));
		event.clear();
		event.sendKeys("page-gig");
		WebElement customer = browser.findElement(By.id("customer"));
		customer.clear();
		customer.sendKeys("ann");

		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("backend"), "backend local"));
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#seats[data-event='page-gig']")));
		// the page refreshes every 500 ms: find and click in one step, again if the page changed between
		wait.ignoring(StaleElementReferenceException.class).until((driver) -> {
			driver.findElement(By.cssSelector("#seat-A1.free")).click();
			return true;
		});
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("seat-A1"), "ann"));
		assertThat(this.store.bookings("page-gig")).extracting(EventStore.Booking::seat).containsExactly("A1");

		WebElement racers = browser.findElement(By.id("racers"));
		racers.clear();
		racers.sendKeys("6");
		browser.findElement(By.id("race")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("race-result"),
				"6 racers: 1 booked, 5 refused"));
		assertThat(this.store.bookings("page-gig")).filteredOn((booking) -> booking.seat().equals("A2")).hasSize(1);
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("seat-A2"), "racer-"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("leader"), "this instance leads"));

		Path screenshot = Path.of("target", "surefire-reports", "sample-page.png");
		Files.createDirectories(screenshot.getParent());
		Files.copy(((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
				StandardCopyOption.REPLACE_EXISTING);
		assertThat(screenshot).isNotEmptyFile();
	}

}
