package dev.bowline.proxy.upstream.outlier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrpcHttpStatusTest {

  @Test
  void mapsAsEnvoyDoes() {
    assertThat(GrpcHttpStatus.of("0")).isEqualTo(200);
    assertThat(GrpcHttpStatus.of("1")).isEqualTo(499);
    assertThat(GrpcHttpStatus.of("2")).isEqualTo(500);
    assertThat(GrpcHttpStatus.of("4")).isEqualTo(504);
    assertThat(GrpcHttpStatus.of("8")).isEqualTo(429);
    assertThat(GrpcHttpStatus.of("12")).isEqualTo(501);
    assertThat(GrpcHttpStatus.of("14")).isEqualTo(503);
    assertThat(GrpcHttpStatus.of("16")).isEqualTo(401);
    assertThat(GrpcHttpStatus.of("17")).isEqualTo(500);
    assertThat(GrpcHttpStatus.of("x")).isEqualTo(500);
    assertThat(GrpcHttpStatus.of("")).isEqualTo(500);
    assertThat(GrpcHttpStatus.of("140")).isEqualTo(500);
  }
}
