package dev.bowline.proxy.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What filter-chain selection reads from a connection's first bytes (Envoy's {@code
 * tls_inspector}): whether they are a TLS ClientHello, and then its SNI host name and the ALPN
 * protocols the client offers.
 *
 * <p><b>Threading.</b> Immutable.
 *
 * @param serverName the SNI host name, lower-cased; empty when the client sent none or the
 *     connection does not start with a ClientHello
 * @param applicationProtocols the ALPN protocols offered, in the client's order; empty when none
 * @param tls whether the connection starts with a TLS ClientHello (Envoy's transport protocol
 *     {@code tls}); false for plaintext ({@code raw_buffer})
 */
public record ClientHello(
    Optional<String> serverName, List<String> applicationProtocols, boolean tls) {

  /** A connection without a readable ClientHello (plaintext, or not TLS at all). */
  public static final ClientHello NONE = new ClientHello(Optional.empty(), List.of(), false);

  /** A ClientHello without SNI or ALPN (or too damaged to read them from). */
  private static final ClientHello EMPTY = new ClientHello(Optional.empty(), List.of(), true);

  private static final int EXTENSION_SERVER_NAME = 0;
  private static final int EXTENSION_ALPN = 16;
  private static final int NAME_TYPE_HOST_NAME = 0;

  public ClientHello {
    Objects.requireNonNull(serverName, "serverName");
    applicationProtocols = List.copyOf(applicationProtocols);
  }

  /** A TLS ClientHello with this SNI and ALPN offer. */
  public ClientHello(Optional<String> serverName, List<String> applicationProtocols) {
    this(serverName, applicationProtocols, true);
  }

  /**
   * Reads the SNI and ALPN extensions of a ClientHello handshake message body (the bytes after the
   * 4-byte handshake header, RFC 8446 section 4.1.2). Malformed input yields whatever was read
   * before the damage, so the TLS engine, not this parser, rejects it. Does not change the buffer's
   * indexes.
   */
  static ClientHello parse(ByteBuf body) {
    String serverName = null;
    List<String> protocols = new ArrayList<>(2);
    int offset = body.readerIndex();
    int end = body.writerIndex();
    // legacy_version (2) + random (32)
    offset += 34;
    if (offset + 1 > end) {
      return EMPTY;
    }
    offset += 1 + body.getUnsignedByte(offset); // legacy_session_id
    if (offset + 2 > end) {
      return EMPTY;
    }
    offset += 2 + body.getUnsignedShort(offset); // cipher_suites
    if (offset + 1 > end) {
      return EMPTY;
    }
    offset += 1 + body.getUnsignedByte(offset); // legacy_compression_methods
    if (offset + 2 > end) {
      return EMPTY;
    }
    int extensionsEnd = Math.min(end, offset + 2 + body.getUnsignedShort(offset));
    offset += 2;
    while (offset + 4 <= extensionsEnd) {
      int type = body.getUnsignedShort(offset);
      int length = body.getUnsignedShort(offset + 2);
      offset += 4;
      if (offset + length > extensionsEnd) {
        break;
      }
      if (type == EXTENSION_SERVER_NAME && serverName == null) {
        serverName = hostName(body, offset, offset + length);
      } else if (type == EXTENSION_ALPN && protocols.isEmpty()) {
        readProtocols(body, offset, offset + length, protocols);
      }
      offset += length;
    }
    return new ClientHello(Optional.ofNullable(serverName), protocols);
  }

  /** The host_name entry of a ServerNameList (RFC 6066 section 3), or {@code null}. */
  private static String hostName(ByteBuf body, int offset, int end) {
    if (offset + 2 > end) {
      return null;
    }
    int listEnd = Math.min(end, offset + 2 + body.getUnsignedShort(offset));
    offset += 2;
    while (offset + 3 <= listEnd) {
      int nameType = body.getUnsignedByte(offset);
      int length = body.getUnsignedShort(offset + 1);
      offset += 3;
      if (offset + length > listEnd) {
        return null;
      }
      if (nameType == NAME_TYPE_HOST_NAME && length > 0) {
        return body.toString(offset, length, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
      }
      offset += length;
    }
    return null;
  }

  /** The entries of a ProtocolNameList (RFC 7301 section 3.1). */
  private static void readProtocols(ByteBuf body, int offset, int end, List<String> protocols) {
    if (offset + 2 > end) {
      return;
    }
    int listEnd = Math.min(end, offset + 2 + body.getUnsignedShort(offset));
    offset += 2;
    while (offset + 1 <= listEnd) {
      int length = body.getUnsignedByte(offset);
      offset += 1;
      if (length == 0 || offset + length > listEnd) {
        return;
      }
      protocols.add(body.toString(offset, length, StandardCharsets.UTF_8));
      offset += length;
    }
  }
}
