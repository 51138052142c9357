"""Pet images: safe upload (type decided by the bytes), re-encoding, thumbnails, storage."""
