package io.cardstream.job.enrich;

import java.io.IOException;
import java.util.Set;

/** Looks up the names of a chunk's distinct persons and companies at once (HBase multi-gets behind a cache in the job). */
public interface DimensionSource {

    Dimensions lookUp(Set<String> personIds, Set<String> companyIds) throws IOException;
}
