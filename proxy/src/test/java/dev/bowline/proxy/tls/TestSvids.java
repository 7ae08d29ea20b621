package dev.bowline.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * X.509 certificates for SPIFFE tests, written with the JDK and {@link Der} alone (the proxy has no
 * BouncyCastle): roots, intermediates and leaves with exactly the extensions a test asks for, so
 * that broken SVIDs (two URI SANs, a CA leaf, keyCertSign, foreign trust domain, out of validity,
 * broken chains) can be made on purpose. Keys are EC P-256, signatures ECDSA with SHA-256.
 */
public final class TestSvids {

  public static final String TRUST_DOMAIN = "cluster.local";

  /** Key usage bits as X.509 numbers them. */
  public static final int DIGITAL_SIGNATURE = 0;

  public static final int KEY_ENCIPHERMENT = 2;
  public static final int KEY_CERT_SIGN = 5;
  public static final int CRL_SIGN = 6;

  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());
  private static final byte[] ECDSA_SHA256 = oid("1.2.840.10045.4.3.2");
  private static final int BIT_STRING = 0x03;
  private static final int BOOLEAN = 0x01;
  private static final int UTF8_STRING = 0x0c;
  private static final int UTC_TIME = 0x17;
  private static final int SET = 0x31;
  private static final int CONTEXT_3 = 0xa3;
  private static final int SAN_DNS = 0x82;
  private static final int SAN_URI = 0x86;

  private TestSvids() {}

  /**
   * A certificate authority: its certificate, its key, and the certificates a leaf it signs sends
   * after itself (itself and the intermediates above it; empty for a root).
   */
  public record Authority(X509Certificate certificate, KeyPair key, List<X509Certificate> chainToRoot) {

    /** A leaf builder for a certificate this authority signs. */
    public LeafBuilder leaf() {
      return new LeafBuilder(this);
    }

    /** An intermediate CA signed by this one. */
    public Authority intermediate(String name) {
      KeyPair key = newKey();
      X509Certificate certificate =
          sign(
              name,
              this,
              key,
              Instant.now().minus(Duration.ofMinutes(1)),
              Instant.now().plus(Duration.ofDays(1)),
              caExtensions());
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(certificate);
      chain.addAll(chainToRoot);
      return new Authority(certificate, key, List.copyOf(chain));
    }
  }

  /** A self-signed root. */
  public static Authority root(String name) {
    KeyPair key = newKey();
    X509Certificate certificate =
        sign(
            name,
            null,
            key,
            Instant.now().minus(Duration.ofMinutes(1)),
            Instant.now().plus(Duration.ofDays(2)),
            caExtensions());
    return new Authority(certificate, key, List.of());
  }

  /** What a leaf carries; defaults make a valid X.509-SVID. */
  public static final class LeafBuilder {
    private final Authority issuer;
    private final List<String> uris = new ArrayList<>();
    private final List<String> dnsNames = new ArrayList<>();
    private boolean ca;
    private int[] keyUsage = {DIGITAL_SIGNATURE, KEY_ENCIPHERMENT};
    private Instant notBefore = Instant.now().minus(Duration.ofMinutes(1));
    private Instant notAfter = Instant.now().plus(Duration.ofHours(1));
    private boolean includeIntermediates = true;

    private LeafBuilder(Authority issuer) {
      this.issuer = issuer;
    }

    /** Adds a URI SAN (a SPIFFE ID). */
    public LeafBuilder uri(String uri) {
      uris.add(uri);
      return this;
    }

    /** Adds the SPIFFE ID of a service account in {@code default} of the test trust domain. */
    public LeafBuilder serviceAccount(String serviceAccount) {
      return uri("spiffe://" + TRUST_DOMAIN + "/ns/default/sa/" + serviceAccount);
    }

    public LeafBuilder dns(String name) {
      dnsNames.add(name);
      return this;
    }

    public LeafBuilder ca(boolean ca) {
      this.ca = ca;
      return this;
    }

    public LeafBuilder keyUsage(int... bits) {
      this.keyUsage = bits.clone();
      return this;
    }

    public LeafBuilder validity(Instant notBefore, Instant notAfter) {
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      return this;
    }

    /** Leaves the issuer's intermediates out of the chain (a broken chain). */
    public LeafBuilder withoutIntermediates() {
      this.includeIntermediates = false;
      return this;
    }

    /** The certificate, its key, and the chain to the root (root excluded). */
    public CertifiedKey build() {
      KeyPair key = newKey();
      List<byte[]> extensions = new ArrayList<>();
      extensions.add(
          extension(
              "2.5.29.19",
              true,
              ca
                  ? Der.encode(Der.SEQUENCE, Der.encode(BOOLEAN, new byte[] {(byte) 0xff}))
                  : Der.encode(Der.SEQUENCE)));
      extensions.add(extension("2.5.29.15", true, keyUsageBits(keyUsage)));
      extensions.add(
          extension(
              "2.5.29.37",
              false,
              Der.encode(
                  Der.SEQUENCE,
                  Der.encode(Der.OBJECT_IDENTIFIER, oid("1.3.6.1.5.5.7.3.1")),
                  Der.encode(Der.OBJECT_IDENTIFIER, oid("1.3.6.1.5.5.7.3.2")))));
      if (!uris.isEmpty() || !dnsNames.isEmpty()) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (String dns : dnsNames) {
          names.writeBytes(Der.encode(SAN_DNS, dns.getBytes(StandardCharsets.US_ASCII)));
        }
        for (String uri : uris) {
          names.writeBytes(Der.encode(SAN_URI, uri.getBytes(StandardCharsets.US_ASCII)));
        }
        extensions.add(
            extension("2.5.29.17", false, Der.encode(Der.SEQUENCE, names.toByteArray())));
      }
      X509Certificate certificate =
          sign("leaf " + SERIALS.incrementAndGet(), issuer, key, notBefore, notAfter, extensions);
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(certificate);
      if (includeIntermediates) {
        chain.addAll(issuer.chainToRoot());
      }
      return new CertifiedKey(chain, key.getPrivate());
    }
  }

  private static List<byte[]> caExtensions() {
    return List.of(
        extension(
            "2.5.29.19",
            true,
            Der.encode(Der.SEQUENCE, Der.encode(BOOLEAN, new byte[] {(byte) 0xff}))),
        extension("2.5.29.15", true, keyUsageBits(new int[] {KEY_CERT_SIGN, CRL_SIGN})));
  }

  public static KeyPair newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(
      String subject,
      Authority issuer,
      KeyPair key,
      Instant notBefore,
      Instant notAfter,
      List<byte[]> extensions) {
    byte[] subjectName = name(subject);
    byte[] issuerName =
        issuer == null ? subjectName : issuer.certificate().getSubjectX500Principal().getEncoded();
    byte[] algorithm = Der.encode(Der.SEQUENCE, Der.encode(Der.OBJECT_IDENTIFIER, ECDSA_SHA256));
    ByteArrayOutputStream extensionList = new ByteArrayOutputStream();
    extensions.forEach(extensionList::writeBytes);
    byte[] tbs =
        Der.encode(
            Der.SEQUENCE,
            Der.encode(Der.CONTEXT_0, Der.encode(Der.INTEGER, new byte[] {2})),
            Der.encode(Der.INTEGER, BigInteger.valueOf(SERIALS.incrementAndGet()).toByteArray()),
            algorithm,
            issuerName,
            Der.encode(Der.SEQUENCE, time(notBefore), time(notAfter)),
            subjectName,
            key.getPublic().getEncoded(),
            Der.encode(CONTEXT_3, Der.encode(Der.SEQUENCE, extensionList.toByteArray())));
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(issuer == null ? key.getPrivate() : issuer.key().getPrivate());
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] bits = new byte[signature.length + 1];
      System.arraycopy(signature, 0, bits, 1, signature.length);
      byte[] der = Der.encode(Der.SEQUENCE, tbs, algorithm, Der.encode(BIT_STRING, bits));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] name(String commonName) {
    return Der.encode(
        Der.SEQUENCE,
        Der.encode(
            SET,
            Der.encode(
                Der.SEQUENCE,
                Der.encode(Der.OBJECT_IDENTIFIER, oid("2.5.4.3")),
                Der.encode(UTF8_STRING, commonName.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] time(Instant instant) {
    String text =
        DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
    return Der.encode(UTC_TIME, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.encode(
            Der.SEQUENCE,
            Der.encode(Der.OBJECT_IDENTIFIER, oid(oid)),
            Der.encode(BOOLEAN, new byte[] {(byte) 0xff}),
            Der.encode(Der.OCTET_STRING, value))
        : Der.encode(
            Der.SEQUENCE,
            Der.encode(Der.OBJECT_IDENTIFIER, oid(oid)),
            Der.encode(Der.OCTET_STRING, value));
  }

  /** A DER BIT STRING of key usage bits (named bits, trailing zeros dropped). */
  private static byte[] keyUsageBits(int[] bits) {
    int value = 0;
    int highest = -1;
    for (int bit : bits) {
      value |= 1 << (15 - bit);
      highest = Math.max(highest, bit);
    }
    if (highest < 0) {
      return Der.encode(BIT_STRING, new byte[] {0});
    }
    int length = highest < 8 ? 1 : 2;
    int unused = length * 8 - 1 - highest;
    byte[] content = new byte[length + 1];
    content[0] = (byte) unused;
    content[1] = (byte) (value >>> 8);
    if (length == 2) {
      content[2] = (byte) value;
    }
    return Der.encode(BIT_STRING, content);
  }

  /** The DER value bytes of a dotted object identifier. */
  static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long component = Long.parseLong(parts[i]);
      int groups = 1;
      for (long rest = component >>> 7; rest != 0; rest >>>= 7) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        int b = (int) ((component >>> (7 * g)) & 0x7f);
        out.write(g == 0 ? b : b | 0x80);
      }
    }
    return out.toByteArray();
  }
}
