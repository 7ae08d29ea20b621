package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parses ClientHellos written by the JDK's TLS client. */
class ClientHelloTest {

  private static ClientHello parse(byte[] body) {
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    try {
      ClientHello hello = ClientHello.parse(buf);
      assertThat(buf.readerIndex()).isZero();
      return hello;
    } finally {
      buf.release();
    }
  }

  @Test
  void readsSniAndAlpn() throws Exception {
    ClientHello hello = parse(ClientHellos.body("API.Example.com", List.of("h2", "http/1.1")));
    assertThat(hello.serverName()).contains("api.example.com");
    assertThat(hello.applicationProtocols()).containsExactly("h2", "http/1.1");
  }

  @Test
  void aClientHelloWithoutExtensionsOfInterestYieldsNothing() throws Exception {
    ClientHello hello = parse(ClientHellos.body(null, List.of()));
    assertThat(hello).isEqualTo(new ClientHello(Optional.empty(), List.of()));
  }

  @Test
  void truncatedInputNeverThrows() throws Exception {
    byte[] body = ClientHellos.body("api.example.com", List.of("h2"));
    for (int length = 0; length < body.length; length++) {
      ClientHello hello = parse(Arrays.copyOf(body, length));
      assertThat(hello).isNotNull();
      hello.serverName().ifPresent(name -> assertThat(name).isEqualTo("api.example.com"));
    }
  }
}
