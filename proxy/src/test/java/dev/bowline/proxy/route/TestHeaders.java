package dev.bowline.proxy.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link MutableHeaders} over an ordered map, keeping every value of a header. */
final class TestHeaders implements MutableHeaders {

  private final Map<String, List<String>> values = new LinkedHashMap<>();

  TestHeaders with(String name, String value) {
    add(name, value);
    return this;
  }

  @Override
  public String get(String lowercaseName) {
    List<String> all = values.get(lowercaseName);
    return all == null ? null : all.get(0);
  }

  @Override
  public void set(String lowercaseName, String value) {
    List<String> one = new ArrayList<>();
    one.add(value);
    values.put(lowercaseName, one);
  }

  @Override
  public void add(String lowercaseName, String value) {
    values.computeIfAbsent(lowercaseName, n -> new ArrayList<>()).add(value);
  }

  @Override
  public void remove(String lowercaseName) {
    values.remove(lowercaseName);
  }

  /** Every value of the header, in order; empty if absent. */
  List<String> all(String lowercaseName) {
    return values.getOrDefault(lowercaseName, List.of());
  }

  /** Every value of the header joined with ",", as routing sees it, or {@code null}. */
  String joined(String lowercaseName) {
    List<String> all = values.get(lowercaseName);
    return all == null ? null : String.join(",", all);
  }

  Map<String, List<String>> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
