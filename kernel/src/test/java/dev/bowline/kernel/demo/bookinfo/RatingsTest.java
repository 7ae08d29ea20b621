package dev.bowline.kernel.demo.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RatingsTest {

  private final RunningServices services = new RunningServices();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stop() {
    services.close();
  }

  @Test
  void answersTheTwoReviewersRatings() throws Exception {
    BookinfoService ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of());

    HttpResponse<String> r = services.get(ratings.port(), "/ratings/0");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json.readTree(r.body()))
        .isEqualTo(json.readTree("{\"id\": 0, \"ratings\": {\"Reviewer1\": 5, \"Reviewer2\": 4}}"));
    HttpResponse<String> health = services.get(ratings.port(), "/health");
    assertThat(json.readTree(health.body()).get("status").asText()).isEqualTo("Ratings is healthy");
  }

  @Test
  void postedRatingsReplaceTheDefaultsOfThatProduct() throws Exception {
    BookinfoService ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of());
    HttpClient client = HttpClient.newHttpClient();

    HttpResponse<String> posted = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ratings.port() + "/ratings/3"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"Reviewer1\": 1, \"Reviewer2\": 2}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(json.readTree(services.get(ratings.port(), "/ratings/3").body()))
        .isEqualTo(json.readTree("{\"id\": 3, \"ratings\": {\"Reviewer1\": 1, \"Reviewer2\": 2}}"));
    assertThat(json.readTree(services.get(ratings.port(), "/ratings/0").body()).at("/ratings/Reviewer1")
        .asInt()).isEqualTo(5);

    HttpResponse<String> notJson = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ratings.port() + "/ratings/3"))
            .POST(HttpRequest.BodyPublishers.ofString("five stars")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("please provide valid ratings JSON");
  }

  @Test
  void aProductIdThatIsNotANumberIsABadRequest() throws Exception {
    BookinfoService ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of());

    HttpResponse<String> r = services.get(ratings.port(), "/ratings/abc");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText())
        .isEqualTo("please provide numeric product ID");
  }
}
