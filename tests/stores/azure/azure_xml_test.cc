// List Blobs and error body parsing, on documents shaped like the service's
// (https://learn.microsoft.com/rest/api/storageservices/list-blobs).
#include "store/azure/azure_xml.h"

#include <gtest/gtest.h>

#include "store/azure/azure_client.h"

namespace td::store::azure {
namespace {

const char* kList = R"(<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="https://myaccount.blob.core.windows.net/" ContainerName="mycontainer">
  <Prefix>dir/</Prefix><Marker /><MaxResults>2</MaxResults>
  <Blobs>
    <Blob>
      <Name>dir/a &amp; b.tif</Name>
      <Properties>
        <Creation-Time>Mon, 01 Jan 2024 00:00:00 GMT</Creation-Time>
        <Last-Modified>Tue, 14 Nov 2023 22:13:20 GMT</Last-Modified>
        <Etag>"0x8DB0A1B2C3D4E5F"</Etag>
        <Content-Length>12345</Content-Length>
        <Content-Type>image/tiff</Content-Type>
      </Properties>
    </Blob>
    <BlobPrefix><Name>dir/sub/</Name></BlobPrefix>
    <Blob><Name>dir/&#x00E9;t&#233;.tif</Name><Properties><Content-Length>0</Content-Length><Etag>0x1</Etag></Properties></Blob>
  </Blobs>
  <NextMarker>2!96!MDAwMDE3IWRpci9iLnRpZg--</NextMarker>
</EnumerationResults>)";

TEST(AzureXml, ParsesListBlobs) {
  auto page = parse_blob_list(kList);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->blobs.size(), 2u);
  EXPECT_EQ(page->blobs[0].key, "dir/a & b.tif");
  EXPECT_EQ(page->blobs[0].size, 12345u);
  EXPECT_EQ(page->blobs[0].last_modified_ms, 1700000000000);
  EXPECT_EQ(page->blobs[0].etag, "0x8DB0A1B2C3D4E5F");
  EXPECT_EQ(page->blobs[1].key, "dir/\xc3\xa9t\xc3\xa9.tif");
  EXPECT_EQ(page->blobs[1].size, 0u);
  EXPECT_FALSE(page->blobs[1].last_modified_ms.has_value());
  EXPECT_EQ(page->next_marker, "2!96!MDAwMDE3IWRpci9iLnRpZg--");
}

TEST(AzureXml, EmptyListAndLastPage) {
  auto page = parse_blob_list(
      "<?xml version=\"1.0\"?><EnumerationResults ContainerName=\"c\"><Prefix>x</Prefix><Blobs /><NextMarker /></EnumerationResults>");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->blobs.empty());
  EXPECT_TRUE(page->next_marker.empty());
}

TEST(AzureXml, RejectsOtherDocuments) {
  EXPECT_FALSE(parse_blob_list("<html>proxy error</html>").ok());
  EXPECT_FALSE(parse_blob_list("<EnumerationResults><Blobs><Blob><Properties/></Blob></Blobs></EnumerationResults>").ok());
}

TEST(AzureXml, ErrorBody) {
  auto e = parse_error_body(
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ContainerNotFound</Code><Message>The specified "
      "container does not exist.\nRequestId:abc\nTime:2024-01-01T00:00:00Z</Message></Error>");
  EXPECT_EQ(e.code, "ContainerNotFound");
  EXPECT_EQ(e.message, "The specified container does not exist.");
}

TEST(AzureXml, ErrorMessagesAndKinds) {
  AzureConfig c;
  c.account = "acct";
  c.container = "cont";
  c.auth = AzureAuth::shared_key;
  http::Response r;
  r.status = 403;
  r.body = "<Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.</Message>"
           "<AuthenticationErrorDetail>The MAC signature found in the HTTP request 'SECRETSIG' is not the same"
           "</AuthenticationErrorDetail></Error>";
  Error e = azure_error(r, "listing failed", "GET", "https://acct.blob.core.windows.net/cont?comp=list&sig=SAS", c);
  EXPECT_EQ(e.kind, ErrorKind::config);
  EXPECT_NE(e.message.find("HTTP 403 AuthenticationFailed: Server failed to authenticate the request."), std::string::npos);
  EXPECT_NE(e.message.find("https://acct.blob.core.windows.net/cont)"), std::string::npos);
  EXPECT_NE(e.message.find("account name and key"), std::string::npos);
  EXPECT_EQ(e.message.find("SAS"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("SECRETSIG"), std::string::npos) << e.message;

  http::Response head;  // HEAD: no body, the code in a header
  head.status = 404;
  head.headers = {{"x-ms-error-code", "BlobNotFound"}};
  e = azure_error(head, "stat failed", "HEAD", "https://acct.blob.core.windows.net/cont/k", c);
  EXPECT_EQ(e.kind, ErrorKind::not_found);
  EXPECT_NE(e.message.find("HTTP 404 BlobNotFound"), std::string::npos);

  r.status = 404;
  r.body = "<Error><Code>ContainerNotFound</Code><Message>The specified container does not exist.</Message></Error>";
  e = azure_error(r, "listing failed", "GET", "https://x/cont", c);
  EXPECT_NE(e.message.find("container 'cont' does not exist in account 'acct'"), std::string::npos);

  r.status = 500;
  r.body = "oops";
  EXPECT_EQ(azure_error(r, "x", "GET", "https://x/", c).kind, ErrorKind::io);
}

TEST(AzureXml, Encoding) {
  EXPECT_EQ(encode_blob_path("dir/a b+c%.tif"), "dir/a%20b%2Bc%25.tif");
  EXPECT_EQ(encode_query_value("a/b c"), "a%2Fb%20c");
}

}  // namespace
}  // namespace td::store::azure
