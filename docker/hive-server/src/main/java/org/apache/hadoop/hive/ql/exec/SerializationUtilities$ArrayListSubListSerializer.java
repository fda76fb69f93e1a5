package org.apache.hadoop.hive.ql.exec;

import java.util.ArrayList;
import java.util.List;
import org.apache.hive.com.esotericsoftware.kryo.Kryo;
import org.apache.hive.com.esotericsoftware.kryo.Serializer;
import org.apache.hive.com.esotericsoftware.kryo.io.Input;
import org.apache.hive.com.esotericsoftware.kryo.io.Output;

/**
 * Replaces Hive 3.1.3's serializer of {@code ArrayList.subList} views, which reflects on the JDK 8 field
 * {@code ArrayList$SubList.parentOffset} and so fails on JDK 17 for every predicate push-down and MapReduce task.
 * Same binary name; {@link io.cardstream.hive.server.HiveLauncher} puts this jar before hive-exec's. Writes a sub-list
 * as size + elements and reads it back as an ArrayList. hive-ddl's tests put this jar ahead of hive-exec too.
 */
public class SerializationUtilities$ArrayListSubListSerializer extends Serializer<List<?>> {

    @Override
    public void write(Kryo kryo, Output output, List<?> list) {
        output.writeInt(list.size(), true);
        for (Object element : list) {
            kryo.writeClassAndObject(output, element);
        }
    }

    @Override
    public List<?> read(Kryo kryo, Input input, Class<List<?>> type) {
        int size = input.readInt(true);
        List<Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(kryo.readClassAndObject(input));
        }
        return list;
    }
}
