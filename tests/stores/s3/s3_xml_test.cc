// ListObjectsV2 and <Error> parsing, ISO 8601 dates.
#include <gtest/gtest.h>

#include "store/common/url_encoding.h"
#include "store/common/xml_scan.h"
#include "store/s3/s3_xml.h"

namespace td::store::s3 {
namespace {

TEST(S3Xml, ListPageUrlEncoded) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>a%2F</Prefix>
<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
<Contents><Key>a/with+space%2Bplus%25pct%C3%A9.tif</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>a/%26amp%3C.tif</Key><LastModified>2020-02-29T00:00:00Z</LastModified><ETag>"abc-2"</ETag><Size>0</Size>
<Owner><ID>x</ID></Owner></Contents>
<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>)";
  auto page = parse_list_objects_v2(xml);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "a/with space+plus%pct\xc3\xa9.tif");
  EXPECT_EQ(*page->objects[0].size, 434234u);
  EXPECT_EQ(*page->objects[0].last_modified_ms, 1255369830000);
  EXPECT_EQ(*page->objects[0].etag, "fba9dede5f27731c9771645a39863328");
  EXPECT_EQ(page->objects[1].key, "a/&amp<.tif");
  EXPECT_EQ(*page->objects[1].size, 0u);
  EXPECT_EQ(*page->objects[1].last_modified_ms, 1582934400000);
  EXPECT_EQ(*page->objects[1].etag, "abc-2");
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3Xml, ListPageRawKeysWhenEncodingIgnored) {
  // s3rver ignores encoding-type=url: no <EncodingType>, keys are raw (XML-escaped).
  const std::string xml = "<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>1</KeyCount>"
                          "<Contents><Key>odd keys/a+b%20c &amp; d.tif</Key><Size>5</Size></Contents></ListBucketResult>";
  auto page = parse_list_objects_v2(xml);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "odd keys/a+b%20c & d.tif");
  EXPECT_FALSE(page->objects[0].etag.has_value());
  EXPECT_FALSE(page->truncated);
}

TEST(S3Xml, EmptyAndBadListings) {
  auto empty = parse_list_objects_v2("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->objects.empty());
  EXPECT_FALSE(parse_list_objects_v2("<html>nope</html>").ok());
  EXPECT_FALSE(parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>").ok());
  EXPECT_FALSE(parse_list_objects_v2("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>").ok());
}

TEST(S3Xml, ErrorBody) {
  auto e = parse_error_body(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message>
<Region>eu-west-1</Region><RequestId>X</RequestId></Error>)");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "AuthorizationHeaderMalformed");
  EXPECT_EQ(e->message, "the region 'us-east-1' is wrong; expecting 'eu-west-1'");
  EXPECT_EQ(e->region, "eu-west-1");
  EXPECT_FALSE(parse_error_body("").has_value());
  EXPECT_FALSE(parse_error_body("<html/>").has_value());
}

TEST(S3Xml, Iso8601) {
  EXPECT_EQ(*parse_iso8601_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_iso8601_ms("2009-10-12T17:50:30.123Z"), 1255369830123);
  EXPECT_EQ(*parse_iso8601_ms("2009-10-12T17:50:30.1Z"), 1255369830100);
  EXPECT_EQ(*parse_iso8601_ms("2009-10-12T19:50:30+02:00"), 1255369830000);
  EXPECT_EQ(*parse_iso8601_ms("2009-10-12T17:50:30"), 1255369830000);
  EXPECT_FALSE(parse_iso8601_ms("2009-13-12T17:50:30Z").has_value());
  EXPECT_FALSE(parse_iso8601_ms("yesterday").has_value());
}

TEST(S3Xml, Decoding) {
  EXPECT_EQ(xml_unescape("a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;&#xE9;&bogus;"), "a&b<>\"'AB\xc3\xa9&bogus;");
  EXPECT_EQ(percent_decode("a%20b+c%2B%7e%zz%4", true), "a b c+~%zz%4");
  size_t pos = 0;
  EXPECT_EQ(xml_element_text("<KeyCount>3</KeyCount><Key>k</Key>", "Key", pos).value_or("?"), "k");
  pos = 0;
  EXPECT_EQ(xml_element_text("<A/><A>x</A>", "A", pos).value_or("?"), "");
  EXPECT_EQ(xml_element_text("<A/><A>x</A>", "A", pos).value_or("?"), "x");
}

}  // namespace
}  // namespace td::store::s3
