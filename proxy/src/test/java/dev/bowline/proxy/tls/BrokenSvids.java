package dev.bowline.proxy.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The leaves that break an X.509-SVID rule ({@link X509SvidRules}), for parameterized tests of
 * every place that must refuse them (the data plane's mutual TLS, the control channel): each is a
 * name, an edit of a {@link TestSvids.LeafBuilder} for a client of trust domain {@link
 * TestSvids#TRUST_DOMAIN}, and the words the refusal must contain.
 */
public final class BrokenSvids {

  private BrokenSvids() {}

  /** The corpus, as (name, edit, reason) arguments. */
  public static Stream<Arguments> leaves() {
    Instant now = Instant.now();
    return Stream.of(
        broken("two URI SANs", b -> b.serviceAccount("client").serviceAccount("other"), "has 2 URI SANs"),
        broken("no URI SAN", b -> b.dns("client.example.com"), "has 0 URI SANs"),
        broken("cA true", b -> b.serviceAccount("client").ca(true), "is a CA certificate"),
        broken(
            "keyCertSign",
            b -> b.serviceAccount("client").keyUsage(TestSvids.DIGITAL_SIGNATURE, TestSvids.KEY_CERT_SIGN),
            "keyCertSign"),
        broken(
            "cRLSign",
            b -> b.serviceAccount("client").keyUsage(TestSvids.DIGITAL_SIGNATURE, TestSvids.CRL_SIGN),
            "cRLSign"),
        broken(
            "no digitalSignature",
            b -> b.serviceAccount("client").keyUsage(TestSvids.KEY_ENCIPHERMENT),
            "lacks the digitalSignature key usage"),
        broken(
            "foreign trust domain",
            b -> b.uri("spiffe://evil.example/ns/default/sa/client"),
            "belongs to trust domain evil.example"),
        broken(
            "not a SPIFFE ID",
            b -> b.uri("https://cluster.local/ns/default/sa/client"),
            "not a workload SPIFFE ID"),
        broken(
            "the trust domain's own ID",
            b -> b.uri("spiffe://" + TestSvids.TRUST_DOMAIN),
            "not a workload SPIFFE ID"),
        broken(
            "expired",
            b -> b.serviceAccount("client").validity(now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))),
            "expired"),
        broken(
            "not yet valid",
            b -> b.serviceAccount("client").validity(now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2))),
            "is not valid before"));
  }

  private static Arguments broken(String name, UnaryOperator<TestSvids.LeafBuilder> edit, String reason) {
    return Arguments.of(name, edit, reason);
  }
}
