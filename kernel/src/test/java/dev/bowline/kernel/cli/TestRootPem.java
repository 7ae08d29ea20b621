package dev.bowline.kernel.cli;

/** Test fixture: a self-signed EC root (openssl req -x509 -newkey ec), as {@code bowlinectl ca root} prints one. */
public final class TestRootPem {

  /** The root, PEM. */
  public static final String SELF_SIGNED_ROOT = """
      -----BEGIN CERTIFICATE-----
      MIIBgjCCASmgAwIBAgIUNiZ+Acw8Jy3IY3glj2wF54pIyY8wCgYIKoZIzj0EAwIw
      FzEVMBMGA1UEAwwMdGVzdCByb290IENBMB4XDTI2MTEyNzA3MjkwM1oXDTM2MTEy
      NDA3MjkwM1owFzEVMBMGA1UEAwwMdGVzdCByb290IENBMFkwEwYHKoZIzj0CAQYI
      KoZIzj0DAQcDQgAEjLCs9oAsgPIR8QFZEszGXy7iVJaJeFWm36x7Cr+k57kDHrPo
      2koUXHQ8ZDPj9Qvi4B8slqEHF1A5/kIIcyZBJ6NTMFEwHQYDVR0OBBYEFFMPVUmO
      ccy8Ar362dwLbr8ZYjUmMB8GA1UdIwQYMBaAFFMPVUmOccy8Ar362dwLbr8ZYjUm
      MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgcQpDowzCaa/I3emh
      WadH6aNG28XxRji07xc0xVnJyIYCIDiP+2G34EoVIsH6dyQ1JoHH7wZuYmD0u6Oy
      jyR4/DHG
      -----END CERTIFICATE-----
      """;

  private TestRootPem() {}
}
