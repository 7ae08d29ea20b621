package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DirectResponseActionTest {

  private static RouteEntry route(String routeYaml) {
    return RouteYaml.routes(routeYaml).route(TestRequest.of("/"));
  }

  private static String text(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void statusAndInlineStringBody() {
    DirectResponseAction action =
        (DirectResponseAction)
            route("- {match: {prefix: /}, direct_response: {status: 200, body: {inline_string: ok}}}")
                .action();

    assertThat(action.status()).isEqualTo(200);
    assertThat(action.bodyLength()).isEqualTo(2);
    assertThat(text(action.body())).isEqualTo("ok");
  }

  @Test
  void eachBodyCallIsAnIndependentReadOnlyView() {
    DirectResponseAction action =
        (DirectResponseAction)
            route("- {match: {prefix: /}, direct_response: {status: 503, body: {inline_string: busy}}}")
                .action();

    ByteBuffer first = action.body();
    text(first);

    assertThat(first.isReadOnly()).isTrue();
    assertThat(text(action.body())).isEqualTo("busy");
  }

  @Test
  void inlineBytesAndNoBody() {
    DirectResponseAction bytes =
        (DirectResponseAction)
            route("- {match: {prefix: /}, direct_response: {status: 200, body: {inline_bytes: aGk=}}}")
                .action();
    DirectResponseAction empty =
        (DirectResponseAction)
            route("- {match: {prefix: /}, direct_response: {status: 204}}").action();

    assertThat(text(bytes.body())).isEqualTo("hi");
    assertThat(empty.status()).isEqualTo(204);
    assertThat(empty.bodyLength()).isZero();
  }

  @Test
  void theRoutesResponseHeadersGoWithTheDirectResponse() {
    RouteEntry entry =
        route(
            """
            - match: {prefix: /}
              direct_response: {status: 403}
              response_headers_to_add: [{header: {key: x-denied, value: 'yes'}}]
            """);
    TestHeaders response = new TestHeaders();

    entry.responseHeaders().apply(response, TestContext.of(TestRequest.of("/")));

    assertThat(response.all("x-denied")).containsExactly("yes");
  }
}
