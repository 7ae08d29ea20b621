package dev.bowline.kernel.demo.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DetailsTest {

  private final RunningServices services = new RunningServices();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stop() {
    services.close();
  }

  @Test
  void answersTheBookDetailsAsTheOriginal() throws Exception {
    BookinfoService details = services.start(BookinfoKind.DETAILS, "v1", Map.of());

    HttpResponse<String> r = services.get(details.port(), "/details/0");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(json.readTree(r.body())).isEqualTo(json.readTree("""
        {"id": 0, "author": "William Shakespeare", "year": 1595, "type": "paperback",
         "pages": 200, "publisher": "PublisherA", "language": "English",
         "ISBN-10": "1234567890", "ISBN-13": "123-1234567890"}"""));
    assertThat(json.readTree(services.get(details.port(), "/details/7").body()).get("id").asInt())
        .isEqualTo(7);
  }

  @Test
  void healthAndErrors() throws Exception {
    BookinfoService details = services.start(BookinfoKind.DETAILS, "v1", Map.of());

    HttpResponse<String> health = services.get(details.port(), "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json.readTree(health.body()).get("status").asText()).isEqualTo("Details is healthy");

    HttpResponse<String> bad = services.get(details.port(), "/details/abc");
    assertThat(bad.statusCode()).isEqualTo(400);
    JsonNode error = json.readTree(bad.body());
    assertThat(error.get("error").asText()).isEqualTo("please provide numeric product id");

    assertThat(services.get(details.port(), "/nothing").statusCode()).isEqualTo(404);
  }
}
