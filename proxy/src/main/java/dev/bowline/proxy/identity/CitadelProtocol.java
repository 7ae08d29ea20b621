package dev.bowline.proxy.identity;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.StructProto;
import com.google.protobuf.Value;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The wire contract of Istio's certificate service, {@code istio.v1.auth.IstioCertificateService/
 * CreateCertificate}, as Istio's {@code security/proto/providers/ca.proto} defines it:
 *
 * <pre>
 * message IstioCertificateRequest  { string csr = 1; int64 validity_duration = 3;
 *                                    google.protobuf.Struct metadata = 4; }
 * message IstioCertificateResponse { repeated string cert_chain = 1; }
 * </pre>
 *
 * <p>The descriptors are built in code and the messages carried as {@link DynamicMessage}s, so
 * the bytes on the wire are exactly those of Istio's generated classes (an Istio agent, or any
 * client generated from that proto, talks to Citadel unchanged) without a protoc step in the
 * build. Immutable; thread-safe.
 */
public final class CitadelProtocol {

  /** The service's full name. */
  public static final String SERVICE = "istio.v1.auth.IstioCertificateService";

  private static final Descriptors.FileDescriptor FILE = build();
  /** {@code IstioCertificateRequest}. */
  public static final Descriptors.Descriptor REQUEST = FILE.findMessageTypeByName("IstioCertificateRequest");
  /** {@code IstioCertificateResponse}. */
  public static final Descriptors.Descriptor RESPONSE = FILE.findMessageTypeByName("IstioCertificateResponse");

  private static final Descriptors.FieldDescriptor CSR = REQUEST.findFieldByName("csr");
  private static final Descriptors.FieldDescriptor VALIDITY = REQUEST.findFieldByName("validity_duration");
  private static final Descriptors.FieldDescriptor METADATA = REQUEST.findFieldByName("metadata");
  private static final Descriptors.FieldDescriptor CERT_CHAIN = RESPONSE.findFieldByName("cert_chain");

  /**
   * The request metadata key naming the xDS node of the caller, so that Citadel can tell which
   * connected proxy holds a certificate during a root rotation. A claim, not a credential: the
   * identity still comes from the caller's authentication.
   */
  public static final String NODE_ID = "NODE_ID";

  /** {@code CreateCertificate}, unary. */
  public static final MethodDescriptor<DynamicMessage, DynamicMessage> CREATE_CERTIFICATE =
      MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "CreateCertificate"))
          .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(REQUEST)))
          .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(RESPONSE)))
          .build();

  private CitadelProtocol() {}

  /** A request for {@code csrPem}, asking for {@code validitySeconds} (0: the CA's default). */
  public static DynamicMessage request(String csrPem, long validitySeconds) {
    return request(csrPem, validitySeconds, Map.of());
  }

  /** A request with string {@code metadata} (such as {@link #NODE_ID}). */
  public static DynamicMessage request(String csrPem, long validitySeconds, Map<String, String> metadata) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(REQUEST)
        .setField(CSR, csrPem)
        .setField(VALIDITY, validitySeconds);
    if (!metadata.isEmpty()) {
      Struct.Builder struct = Struct.newBuilder();
      metadata.forEach((k, v) -> struct.putFields(k, Value.newBuilder().setStringValue(v).build()));
      b.setField(METADATA, struct.build());
    }
    return b.build();
  }

  /** The string value of metadata {@code key} of a request, if it has one. */
  public static Optional<String> metadata(DynamicMessage request, String key) {
    if (!request.hasField(METADATA)) {
      return Optional.empty();
    }
    Object field = request.getField(METADATA);
    Struct struct;
    try {
      struct = field instanceof Struct s ? s : Struct.parseFrom(((Message) field).toByteString());
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
    Value value = struct.getFieldsOrDefault(key, null);
    return value != null && value.hasStringValue() ? Optional.of(value.getStringValue()) : Optional.empty();
  }

  /** The PEM CSR of a request ({@code ""} when absent). */
  public static String csr(DynamicMessage request) {
    return (String) request.getField(CSR);
  }

  /** The requested validity in seconds (0 when absent). */
  public static long validitySeconds(DynamicMessage request) {
    return (Long) request.getField(VALIDITY);
  }

  /** A response carrying {@code chain}: PEM certificates, the leaf first and the root last. */
  public static DynamicMessage response(List<String> chain) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(RESPONSE);
    for (String pem : chain) {
      b.addRepeatedField(CERT_CHAIN, pem);
    }
    return b.build();
  }

  /** The PEM certificates of a response, in order. */
  public static List<String> certChain(DynamicMessage response) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < response.getRepeatedFieldCount(CERT_CHAIN); i++) {
      out.add((String) response.getRepeatedField(CERT_CHAIN, i));
    }
    return List.copyOf(out);
  }

  private static Descriptors.FileDescriptor build() {
    FileDescriptorProto proto =
        FileDescriptorProto.newBuilder()
            .setName("security/proto/providers/ca.proto")
            .setPackage("istio.v1.auth")
            .setSyntax("proto3")
            .addDependency("google/protobuf/struct.proto")
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("IstioCertificateRequest")
                    .addField(field("csr", 1, FieldDescriptorProto.Type.TYPE_STRING, false))
                    .addField(field("validity_duration", 3, FieldDescriptorProto.Type.TYPE_INT64, false))
                    .addField(
                        field("metadata", 4, FieldDescriptorProto.Type.TYPE_MESSAGE, false)
                            .toBuilder()
                            .setTypeName(".google.protobuf.Struct")
                            .build()))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("IstioCertificateResponse")
                    .addField(field("cert_chain", 1, FieldDescriptorProto.Type.TYPE_STRING, true)))
            .addService(
                ServiceDescriptorProto.newBuilder()
                    .setName("IstioCertificateService")
                    .addMethod(
                        MethodDescriptorProto.newBuilder()
                            .setName("CreateCertificate")
                            .setInputType(".istio.v1.auth.IstioCertificateRequest")
                            .setOutputType(".istio.v1.auth.IstioCertificateResponse")))
            .build();
    try {
      return Descriptors.FileDescriptor.buildFrom(
          proto, new Descriptors.FileDescriptor[] {StructProto.getDescriptor()});
    } catch (Descriptors.DescriptorValidationException e) {
      throw new IllegalStateException("Istio's ca.proto does not build", e);
    }
  }

  private static FieldDescriptorProto field(
      String name, int number, FieldDescriptorProto.Type type, boolean repeated) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setType(type)
        .setLabel(repeated ? FieldDescriptorProto.Label.LABEL_REPEATED : FieldDescriptorProto.Label.LABEL_OPTIONAL)
        .setJsonName(jsonName(name))
        .build();
  }

  private static String jsonName(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
