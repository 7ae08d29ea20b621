package dev.bowline.proxy.upstream.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The hand-made wire format against grpc-java's generated health messages. */
class GrpcHealthMessagesTest {

  @Test
  void theRequestIsWhatGrpcJavaDecodes() throws Exception {
    for (String service : new String[] {"", "echo.Echo", "x".repeat(300)}) {
      ByteBuf framed = GrpcHealthMessages.request(ByteBufAllocator.DEFAULT, service);
      try {
        assertThat(framed.getByte(0)).isZero();
        int length = framed.getInt(1);
        assertThat(framed.readableBytes()).isEqualTo(5 + length);
        byte[] message = new byte[length];
        framed.getBytes(5, message);
        assertThat(HealthCheckRequest.parseFrom(message).getService()).isEqualTo(service);
      } finally {
        framed.release();
      }
    }
  }

  @Test
  void readsTheStatusOfGrpcJavasResponses() {
    assertThat(status(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build()))
        .isEqualTo(GrpcHealthMessages.SERVING);
    assertThat(status(
        HealthCheckResponse.newBuilder().setStatus(ServingStatus.NOT_SERVING).build()))
        .isEqualTo(ServingStatus.NOT_SERVING.getNumber());
    assertThat(status(HealthCheckResponse.getDefaultInstance())).isZero(); // UNKNOWN
  }

  @Test
  void skipsUnknownFieldsAndRefusesBrokenFrames() {
    // field 2 (a string) before field 1
    byte[] withUnknown = {0x12, 0x02, 'h', 'i', 0x08, 0x01};
    assertThat(GrpcHealthMessages.servingStatus(frame(0, withUnknown)))
        .isEqualTo(GrpcHealthMessages.SERVING);
    assertThat(GrpcHealthMessages.servingStatus(frame(1, new byte[] {0x08, 0x01})))
        .isEqualTo(GrpcHealthMessages.COMPRESSED);
    assertThat(GrpcHealthMessages.servingStatus(Unpooled.wrappedBuffer(new byte[] {0, 0, 0})))
        .isEqualTo(GrpcHealthMessages.MALFORMED);
    ByteBuf cutShort = frame(0, new byte[] {0x08, 0x01});
    cutShort.writerIndex(cutShort.writerIndex() - 1);
    assertThat(GrpcHealthMessages.servingStatus(cutShort)).isEqualTo(GrpcHealthMessages.MALFORMED);
    byte[] two = {0, 0, 0, 0, 2, 0x08, 0x01, 0, 0, 0, 0, 2, 0x08, 0x01};
    assertThat(GrpcHealthMessages.servingStatus(Unpooled.wrappedBuffer(two)))
        .isEqualTo(GrpcHealthMessages.MALFORMED);
    assertThat(GrpcHealthMessages.servingStatus(frame(0, new byte[] {0x08, (byte) 0x80})))
        .isEqualTo(GrpcHealthMessages.MALFORMED);
  }

  private static int status(HealthCheckResponse response) {
    return GrpcHealthMessages.servingStatus(frame(0, response.toByteArray()));
  }

  private static ByteBuf frame(int flag, byte[] message) {
    byte[] framed = new byte[5 + message.length];
    framed[0] = (byte) flag;
    framed[4] = (byte) message.length;
    System.arraycopy(message, 0, framed, 5, message.length);
    return Unpooled.wrappedBuffer(framed);
  }
}
